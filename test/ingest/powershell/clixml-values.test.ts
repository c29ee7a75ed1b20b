import { describe, expect, it } from 'vitest';
import { detectClixml, readClixml } from '../../../src/ingest/powershell/read-clixml.js';

const HEAD = '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">';

/** One top-level object with the given members in <Props>, as Export-Clixml lays it out. */
function oneObject(props: string): string {
  return `${HEAD}\r\n  <Obj RefId="0">\r\n    <TN RefId="0">\r\n      <T>System.Management.Automation.PSCustomObject</T>\r\n      <T>System.Object</T>\r\n    </TN>\r\n    <Props>\r\n${props}\r\n    </Props>\r\n  </Obj>\r\n</Objs>`;
}

function props(members: string) {
  const read = readClixml(oneObject(members), 'x.xml');
  expect(read.diagnostics).toEqual([]);
  return read.records[0]!.properties;
}

describe('detectClixml', () => {
  it('recognises the root element with or without BOM and XML declaration, and nothing else', () => {
    expect(detectClixml(`${HEAD}<Obj RefId="0">`)).toBe(true);
    expect(detectClixml(`\uFEFF${HEAD}`)).toBe(true);
    expect(detectClixml(`<?xml version="1.0" encoding="utf-16"?>\r\n${HEAD}`)).toBe(true);
    expect(detectClixml('<Objs Version="1.1.0.1">')).toBe(false);
    expect(detectClixml('[{"Name":"x"}]')).toBe(false);
    expect(detectClixml('#TYPE Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector')).toBe(false);
  });
});

describe('readClixml: primitive values', () => {
  it('converts each serialized type to the value it stands for', () => {
    expect(
      props(`      <S N="S">a &amp; b</S>
      <I64 N="I64">36700160</I64>
      <U64 N="U64">18446744073709551615</U64>
      <I16 N="I16">-3</I16>
      <By N="By">255</By>
      <SB N="SB">-128</SB>
      <U32 N="U32">4294967295</U32>
      <Db N="Db">1.5E+20</Db>
      <Sg N="Sg">0.25</Sg>
      <D N="D">79.99</D>
      <Db N="Inf">INF</Db>
      <B N="B">true</B>
      <C N="C">65</C>
      <TS N="TS">P14DT2H0M9.0269026S</TS>
      <TS N="TSZero">PT0S</TS>
      <G N="G">6e2d9c14-8f3b-4a7d-b0c5-1f9e8d7c6b5a</G>
      <URI N="URI">https://outlook.office365.com/</URI>
      <Version N="Version">15.2.1544.4</Version>
      <BA N="BA">AQID</BA>
      <SS N="SS">01000000d08c9ddf0115d1118c7a00c04fc297eb</SS>
      <Nil N="Nil" />`),
    ).toEqual({
      S: 'a & b',
      I64: 36700160,
      U64: '18446744073709551615',
      I16: -3,
      By: 255,
      SB: -128,
      U32: 4294967295,
      Db: 1.5e20,
      Sg: 0.25,
      D: 79.99,
      Inf: 'INF',
      B: true,
      C: 'A',
      TS: '14.02:00:09.0269026',
      TSZero: '00:00:00',
      G: '6e2d9c14-8f3b-4a7d-b0c5-1f9e8d7c6b5a',
      URI: 'https://outlook.office365.com/',
      Version: '15.2.1544.4',
      BA: 'AQID',
      SS: null,
      Nil: null,
    });
  });

  it('decodes _xHHHH_ escapes in values and names, and a literal "_x" escaped as _x005F_', () => {
    expect(
      props(`      <S N="Tab_x0009_Name">line1_x000D__x000A_line2_x0009_end</S>
      <S N="Literal">_x005F_x000D_ stays</S>
      <S N="Emoji">_xD83D__xDCE7_</S>`),
    ).toEqual({ 'Tab\tName': 'line1\r\nline2\tend', Literal: '_x000D_ stays', Emoji: '\u{1F4E7}' });
  });

  it('reads dictionaries as objects and keeps a __proto__ key as data', () => {
    const value = props(`      <Obj N="Map" RefId="1">
        <TN RefId="1"><T>System.Collections.Hashtable</T><T>System.Object</T></TN>
        <DCT>
          <En><S N="Key">Smtp</S><I32 N="Value">25</I32></En>
          <En><I32 N="Key">587</I32><S N="Value">submission</S></En>
          <En><S N="Key">__proto__</S><Nil N="Value" /></En>
        </DCT>
      </Obj>`);
    const map = value['Map'] as Record<string, unknown>;
    expect(Object.keys(map).sort()).toEqual(['587', 'Smtp', '__proto__']);
    expect(map['Smtp']).toBe(25);
    expect(map['587']).toBe('submission');
    expect(Object.getOwnPropertyDescriptor(map, '__proto__')?.value).toBeNull();
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
  });

  it('reads queues and stacks as lists and a date carrying extra members as the date', () => {
    expect(
      props(`      <Obj N="Queue" RefId="1"><TN RefId="1"><T>System.Collections.Queue</T><T>System.Object</T></TN><QUE><S>a</S><Nil /></QUE></Obj>
      <Obj N="Stack" RefId="2"><TN RefId="2"><T>System.Collections.Stack</T><T>System.Object</T></TN><STK><I32>2</I32><I32>1</I32></STK></Obj>
      <Obj N="Enumerable" RefId="3"><TN RefId="3"><T>System.Linq.Enumerable</T><T>System.Object</T></TN><IE><B>false</B></IE></Obj>
      <Obj N="Date" RefId="4"><DT>2024-07-14T02:13:02.928+01:00</DT><MS><Obj N="DisplayHint" RefId="5"><TN RefId="4"><T>Microsoft.PowerShell.Commands.DisplayHintType</T><T>System.Enum</T><T>System.ValueType</T><T>System.Object</T></TN><ToString>DateTime</ToString><I32>2</I32></Obj></MS></Obj>`),
    ).toEqual({ Queue: ['a', null], Stack: [2, 1], Enumerable: [false], Date: '2024-07-14T02:13:02.928+01:00' });
  });
});

describe('readClixml: file shapes', () => {
  it('takes the items of a list written with Export-Clixml -InputObject as the records', () => {
    const text = `${HEAD}
  <Obj RefId="0">
    <TN RefId="0"><T>System.Object[]</T><T>System.Array</T><T>System.Object</T></TN>
    <LST>
      <Obj RefId="1">
        <TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain</T><T>Deserialized.System.Object</T></TN>
        <Props><S N="DomainName">contoso.com</S></Props>
      </Obj>
      <Obj RefId="2">
        <TNRef RefId="1" />
        <Props><S N="DomainName">contoso.mail.onmicrosoft.com</S></Props>
      </Obj>
      <S>not an object</S>
    </LST>
  </Obj>
</Objs>`;
    const read = readClixml(text, 'list.xml');
    const types = ['Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.AcceptedDomain', 'Deserialized.System.Object'];
    expect(read.records).toEqual([
      { properties: { DomainName: 'contoso.com' }, typeNames: types, shape: 'clixml', provenance: { file: 'list.xml', line: 5, column: 7 } },
      { properties: { DomainName: 'contoso.mail.onmicrosoft.com' }, typeNames: types, shape: 'clixml', provenance: { file: 'list.xml', line: 9, column: 7 } },
    ]);
    expect(read.skipped).toBe(1);
    expect(read.diagnostics).toEqual([{ severity: 'warning', location: 'list.xml:2:3', message: 'an item of the top-level list that is not an object with properties; ignored' }]);
  });

  it('skips top-level values that are not objects, with a warning each', () => {
    const read = readClixml(`${HEAD}\n  <S>just text</S>\n  <I32>5</I32>\n</Objs>`, 'prim.xml');
    expect(read.records).toEqual([]);
    expect(read.skipped).toBe(2);
    expect(read.diagnostics).toEqual([
      { severity: 'warning', location: 'prim.xml:2:3', message: 'a top-level <S> that is not an object with properties; ignored' },
      { severity: 'warning', location: 'prim.xml:3:3', message: 'a top-level <I32> that is not an object with properties; ignored' },
    ]);
  });

  it('warns about dangling references and unknown elements but keeps the object', () => {
    const read = readClixml(
      oneObject(`      <Ref N="Later" RefId="9" />
      <TNRef RefId="7" />
      <XX N="Odd">kept</XX>
      <I32 N="Bad">twelve</I32>`),
      'odd.xml',
    );
    expect(read.records.map((r) => r.properties)).toEqual([{ Later: null, Odd: 'kept', Bad: 'twelve' }]);
    expect(read.diagnostics).toEqual([
      { severity: 'warning', location: 'odd.xml:8:7', message: '<Ref RefId="9"/> names no earlier complete <Obj>; read as null' },
      { severity: 'warning', location: 'odd.xml:9:7', message: '<TNRef RefId="7"/> names no earlier <TN>; type names unknown' },
      { severity: 'warning', location: 'odd.xml:10:7', message: '<XX> is not a PowerShell serialization element known here; its text is kept as a string' },
      { severity: 'warning', location: 'odd.xml:11:7', message: '<I32> holds "twelve", not a value of its type; kept as text' },
    ]);
  });

  it('stops at broken XML mid-file (located just after the offending tag) and counts the objects after the break as skipped', () => {
    const obj = (n: number) => `  <Obj RefId="${n}">\r\n    <Props>\r\n      <S N="Name">c${n}</S>\r\n    </Props>\r\n  </Obj>`;
    const broken = `  <Obj RefId="1">\r\n    <Props>\r\n      <S N="Name">c1</B>\r\n    </Props>\r\n  </Obj>`;
    const text = [HEAD, obj(0), broken, obj(2), obj(3), '</Objs>'].join('\r\n');
    const read = readClixml(text, 'b.xml');
    expect(read.records.map((r) => r.properties)).toEqual([{ Name: 'c0' }]);
    expect(read.skipped).toBe(3);
    expect(read.diagnostics).toEqual([
      { severity: 'error', location: 'b.xml:9:25', message: 'malformed XML (unexpected close tag.); 1 object read before it, the rest not read' },
    ]);
  });

  it('says plainly when the root is not <Objs>, and reads nothing from text that is not XML', () => {
    expect(readClixml('<Root><Obj RefId="0" /></Root>', 'r.xml')).toEqual({
      records: [],
      skipped: 0,
      diagnostics: [{ severity: 'error', location: 'r.xml:1:7', message: 'the root element is <Root>, not <Objs>: not an Export-Clixml file' }],
    });
    const notXml = readClixml('Name : Internet\r\n', 'n.xml');
    expect(notXml.records).toEqual([]);
    expect(notXml.diagnostics).toHaveLength(1);
    expect(notXml.diagnostics[0]!.severity).toBe('error');
  });
});
