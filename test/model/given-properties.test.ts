import { describe, expect, it } from 'vitest';
import { givenProperties, markGiven, wasGiven } from '../../src/model/given-properties.js';

// Merging inputs (merge-case.ts) relies on which properties each object's input wrote.
describe('given properties', () => {
  it('are remembered per object, and objects given the same properties share one set', () => {
    const a = {};
    const b = {};
    markGiven(a, ['Name', 'Enabled']);
    markGiven(b, ['Name', 'Enabled']);
    expect(givenProperties(a)).toBe(givenProperties(b));
    expect(wasGiven(a, 'Enabled')).toBe(true);
    expect(wasGiven(a, 'TlsDomain')).toBe(false);
  });

  it('a later mark on one object (a merge filling a property) leaves the others as they were', () => {
    const a = {};
    const b = {};
    markGiven(a, ['Name']);
    markGiven(b, ['Name']);
    markGiven(a, ['TlsDomain']);
    expect(wasGiven(a, 'TlsDomain')).toBe(true);
    expect(wasGiven(b, 'TlsDomain')).toBe(false);
    expect([...givenProperties(a)!]).toEqual(['Name', 'TlsDomain']);
  });

  it('an object never marked counts every property as given (not produced by a reader)', () => {
    expect(givenProperties({})).toBeUndefined();
    expect(wasGiven({}, 'Anything')).toBe(true);
  });
});
