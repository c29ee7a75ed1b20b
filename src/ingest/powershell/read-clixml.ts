import { SaxesParser } from 'saxes';
import { decodePsEscapes, isPrimitiveTag, primitiveValue } from './clixml-values.js';
import type { PsObjectValue, PsReadResult, PsRecord, PsValue } from './ps-record.js';

/**
 * Export-Clixml reader (FORMATS.md 4.4): PowerShell serialization (MS-PSRP 2.2.5) streamed through
 * an XML parser, one PsRecord per top-level object. Values are kept as the export holds them
 * (Exchange objects from a remote session arrive pre-stringified, FORMATS 4.2); enums become their
 * names, lists arrays, dictionaries objects, back-references the value they point to.
 */
export function detectClixml(sample: string): boolean {
  return /^\s*(?:<\?xml[^>]*\?>\s*)?<Objs\b[^>]*schemas\.microsoft\.com\/powershell\/2004\/04/.test(sample.replace(/^\uFEFF/, ''));
}

const LIST_TAGS = new Set(['LST', 'IE', 'STK', 'QUE']);

/** What an open `<Obj>` has gathered so far; which parts it has decides its value when it closes. */
interface ObjParts {
  typeNames: string[];
  toStringText?: string;
  props?: PsObjectValue;
  items?: PsValue[];
  dict?: PsObjectValue;
  primitive?: { value: PsValue };
}

interface Frame {
  tag: string;
  /** Decoded `N` attribute: the property name, or Key/Value inside a dictionary entry. */
  name: string | undefined;
  refId: string | undefined;
  /** String index of the element's `<`. */
  start: number;
  /** The `<Obj>` this element belongs to (itself for an `<Obj>`). */
  obj: ObjParts | undefined;
  text: string;
  typeNames?: string[];
  entry?: { key?: PsValue; value?: PsValue };
}

/** Where a value read from an `<Obj>` came from, so a top-level list's items still cite their own element. */
interface Origin {
  start: number;
  typeNames: string[];
}

/** Ends reading at the first XML error; `xml` says the parser found it (not the root check). */
class StopReading extends Error {
  constructor(message: string, readonly xml: boolean) {
    super(message);
  }
}

export function readClixml(text: string, file: string): PsReadResult {
  const result: PsReadResult = { records: [], skipped: 0, diagnostics: [] };
  const at = linePositions(text);
  const warn = (index: number, message: string) => {
    const p = at(index);
    result.diagnostics.push({ severity: 'warning', location: `${file}:${p.line}:${p.column}`, message });
  };

  const stack: Frame[] = [];
  const typeNameRefs = new Map<string, string[]>();
  const objRefs = new Map<string, PsValue>();
  const origins = new WeakMap<object, Origin>();
  let tagStart = 0;

  const record = (value: PsValue, origin: Origin, what: string) => {
    if (!isObject(value)) {
      result.skipped++;
      warn(origin.start, `${what} that is not an object with properties; ignored`);
      return;
    }
    const p = at(origin.start);
    const rec: PsRecord = { properties: value, typeNames: [...origin.typeNames], shape: 'clixml', provenance: { file, line: p.line, column: p.column } };
    result.records.push(rec);
  };

  const topLevel = (value: PsValue, frame: Frame) => {
    const origin: Origin = { start: frame.start, typeNames: frame.obj?.typeNames ?? [] };
    // `Export-Clixml -InputObject $list` writes the whole list as one object: its items are the records.
    if (Array.isArray(value) && frame.tag === 'Obj') {
      for (const item of value) record(item, (isObject(item) && origins.get(item)) || { start: frame.start, typeNames: [] }, 'an item of the top-level list');
    } else {
      record(value, origin, `a top-level <${frame.tag}>`);
    }
  };

  const deliver = (parent: Frame, frame: Frame, value: PsValue) => {
    const obj = parent.obj;
    if (parent.tag === 'Objs') topLevel(value, frame);
    else if ((parent.tag === 'Props' || parent.tag === 'MS') && obj?.props) {
      if (frame.name === undefined) warn(frame.start, `a <${frame.tag}> property without a name (N attribute); ignored`);
      // A name in both <Props> and <MS> keeps the adapted property, which comes first.
      else if (!Object.hasOwn(obj.props, frame.name)) put(obj.props, frame.name, value);
    } else if (LIST_TAGS.has(parent.tag)) obj?.items?.push(value);
    else if (parent.tag === 'En' && parent.entry) {
      if (frame.name === 'Key') parent.entry.key = value;
      else parent.entry.value = value;
    } else if (parent.tag === 'Obj' && obj) obj.primitive = { value };
  };

  const parser = new SaxesParser({ position: true });
  parser.on('error', (err) => {
    throw new StopReading(err.message.replace(/^\d+:\d+: /, ''), true);
  });
  parser.on('opentagstart', (tag) => {
    // The parser has read the name and the character ending it when it reports the tag.
    tagStart = parser.position - tag.name.length - 2;
  });
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1];
    if (!parent && tag.name !== 'Objs') throw new StopReading(`the root element is <${tag.name}>, not <Objs>: not an Export-Clixml file`, false);
    const attrs = tag.attributes as Record<string, string>;
    const n = attrs['N'];
    const frame: Frame = { tag: tag.name, name: n === undefined ? undefined : decodePsEscapes(n), refId: attrs['RefId'], start: tagStart, obj: parent?.obj, text: '' };
    switch (tag.name) {
      case 'Obj':
        frame.obj = { typeNames: [] };
        break;
      case 'TN':
        frame.typeNames = [];
        break;
      case 'TNRef': {
        const names = frame.refId === undefined ? undefined : typeNameRefs.get(frame.refId);
        if (names && frame.obj) frame.obj.typeNames = names;
        else if (!names) warn(frame.start, `<TNRef RefId="${frame.refId ?? ''}"/> names no earlier <TN>; type names unknown`);
        break;
      }
      case 'Props':
      case 'MS':
        if (frame.obj) frame.obj.props ??= {};
        break;
      case 'DCT':
        if (frame.obj) frame.obj.dict ??= {};
        break;
      case 'En':
        frame.entry = {};
        break;
      default:
        if (LIST_TAGS.has(tag.name) && frame.obj) frame.obj.items ??= [];
    }
    stack.push(frame);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    const frame = stack.pop();
    const parent = stack[stack.length - 1];
    if (!frame || !parent) return;
    const obj = parent.obj;
    switch (frame.tag) {
      case 'T':
        parent.typeNames?.push(decodePsEscapes(frame.text));
        return;
      case 'TN':
        if (frame.refId !== undefined) typeNameRefs.set(frame.refId, frame.typeNames ?? []);
        if (obj) obj.typeNames = frame.typeNames ?? [];
        return;
      case 'ToString':
        if (obj) obj.toStringText = decodePsEscapes(frame.text);
        return;
      case 'En': {
        const key = frame.entry?.key;
        if (obj?.dict && key !== undefined) put(obj.dict, keyText(key), frame.entry?.value ?? null);
        return;
      }
      case 'Obj': {
        const value = objValue(frame.obj ?? { typeNames: [] });
        if (isObject(value)) origins.set(value, { start: frame.start, typeNames: frame.obj?.typeNames ?? [] });
        if (frame.refId !== undefined) objRefs.set(frame.refId, value);
        deliver(parent, frame, value);
        return;
      }
      case 'Nil':
        deliver(parent, frame, null);
        return;
      case 'Ref': {
        const value = frame.refId === undefined ? undefined : objRefs.get(frame.refId);
        if (value === undefined) warn(frame.start, `<Ref RefId="${frame.refId ?? ''}"/> names no earlier complete <Obj>; read as null`);
        deliver(parent, frame, value ?? null);
        return;
      }
      default:
        if (['Props', 'MS', 'DCT', 'TNRef'].includes(frame.tag) || LIST_TAGS.has(frame.tag)) return;
        if (!isPrimitiveTag(frame.tag)) {
          warn(frame.start, `<${frame.tag}> is not a PowerShell serialization element known here; its text is kept as a string`);
          deliver(parent, frame, frame.text);
          return;
        }
        const value = primitiveValue(frame.tag, frame.text);
        if (value === undefined) warn(frame.start, `<${frame.tag}> holds "${frame.text}", not a value of its type; kept as text`);
        deliver(parent, frame, value === undefined ? frame.text : value);
    }
  });

  try {
    parser.write(text).close();
  } catch (caught) {
    // Whatever stops the parser becomes a diagnostic: the records read so far are still worth having.
    const err = caught instanceof StopReading ? caught : new StopReading(String(caught), true);
    const objectOpen = stack.length >= 2 ? 1 : 0;
    // Export-Clixml indents each top-level object by two spaces: what follows the break is counted, not read.
    const later = text.slice(parser.position).match(/^ {2}<Obj\b/gm)?.length ?? 0;
    result.skipped += objectOpen + later;
    const read = result.records.length;
    result.diagnostics.push({
      severity: 'error',
      location: `${file}:${parser.line}:${parser.columnIndex + 1}`,
      message: err.xml
        ? `malformed XML (${err.message}); ${read} object${read === 1 ? '' : 's'} read before it, the rest not read`
        : err.message,
    });
  }
  return result;
}

/** The value an `<Obj>` stands for: a collection, a dictionary, an enum's name, a property bag, or its text. */
function objValue(parts: ObjParts): PsValue {
  if (parts.items) return parts.items;
  if (parts.dict) return parts.dict;
  if (parts.primitive) {
    // Enums are a number plus their name; the name is what Exchange values and -EnumsAsStrings use.
    const isEnum = parts.typeNames.length === 0 || parts.typeNames.some((t) => t === 'System.Enum' || t === 'Deserialized.System.Enum');
    return isEnum && parts.toStringText !== undefined ? parts.toStringText : parts.primitive.value;
  }
  if (parts.props) return parts.props;
  // Objects past the serialization depth, or with nothing but their text, carry only ToString.
  return parts.toStringText ?? {};
}

function isObject(value: PsValue | undefined): value is PsObjectValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets a property even when its name is `__proto__`, which plain assignment would take as the prototype. */
function put(target: PsObjectValue, key: string, value: PsValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function keyText(key: PsValue): string {
  return typeof key === 'string' ? key : JSON.stringify(key);
}

/** 1-based line and column of a string index, counting line breaks the way the XML parser does. */
function linePositions(text: string): (index: number) => { line: number; column: number } {
  const starts = [0];
  for (const m of text.matchAll(/\r\n?|\n/g)) starts.push(m.index + m[0].length);
  return (index) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - starts[lo]! + 1 };
  };
}
