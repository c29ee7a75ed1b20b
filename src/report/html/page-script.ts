/**
 * The page's only script (vanilla, no request): filter the flow list by outcome, open or close
 * every collapsed block, and open everything for printing (a closed <details> prints only its
 * summary), and open a collapsed block a link leads to (a finding's rule id → its rule
 * documentation). Attached with addEventListener, as the Content-Security-Policy forbids inline handlers.
 */
export const PAGE_SCRIPT = `
(function(){
  var buttons = document.querySelectorAll('[data-filter-outcome]');
  function apply(value){
    buttons.forEach(function(b){ b.setAttribute('aria-pressed', String(b.getAttribute('data-filter-outcome') === value)); });
    document.querySelectorAll('[data-outcome]').forEach(function(el){
      var show = value === 'all' || el.getAttribute('data-outcome') === value;
      el.classList.toggle('hidden', !show);
    });
    var count = document.getElementById('flow-filter-count');
    if (count) count.textContent = String(document.querySelectorAll('#appendix-flows [data-outcome]:not(.hidden)').length);
  }
  buttons.forEach(function(b){ b.addEventListener('click', function(){ apply(b.getAttribute('data-filter-outcome')); }); });
  function setAll(open){ document.querySelectorAll('details').forEach(function(d){ d.open = open; }); }
  var expand = document.getElementById('expand-all'); if (expand) expand.addEventListener('click', function(){ setAll(true); });
  var collapse = document.getElementById('collapse-all'); if (collapse) collapse.addEventListener('click', function(){ setAll(false); });
  function openTarget(id){ var el = id ? document.getElementById(id) : null; if (el && el.tagName === 'DETAILS') el.open = true; }
  document.addEventListener('click', function(e){ var a = e.target && e.target.closest ? e.target.closest('a[href^="#"]') : null; if (a) openTarget(decodeURIComponent(a.getAttribute('href').slice(1))); });
  window.addEventListener('hashchange', function(){ openTarget(decodeURIComponent(location.hash.slice(1))); });
  openTarget(decodeURIComponent(location.hash.slice(1)));
  var wasClosed = [];
  window.addEventListener('beforeprint', function(){ wasClosed = Array.prototype.filter.call(document.querySelectorAll('details'), function(d){ return !d.open; }); wasClosed.forEach(function(d){ d.open = true; }); });
  window.addEventListener('afterprint', function(){ wasClosed.forEach(function(d){ d.open = false; }); wasClosed = []; });
})();
`;
