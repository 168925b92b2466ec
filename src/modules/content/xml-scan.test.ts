// node:test's describe() and it() return promises that the runner itself awaits.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XmlScanner } from './xml-scan.ts';

function events(chunks: string[]): string[] {
  const out: string[] = [];
  const scanner = new XmlScanner({
    open: (name, attributes) => out.push(`<${name} ${JSON.stringify(attributes)}>`),
    close: (name) => out.push(`</${name}>`),
    text: (text) => {
      // Adjacent text events are one run, however the input was chunked.
      if (out.at(-1)?.startsWith('"')) out[out.length - 1] = JSON.stringify(JSON.parse(out.at(-1)!) + text);
      else out.push(JSON.stringify(text));
    },
  });
  for (const chunk of chunks) scanner.write(chunk);
  scanner.end();
  return out;
}

const DOCUMENT =
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY boom "boom">]><!-- a > comment -->' +
  '<ofd:Page xmlns:ofd="urn:x" a=\'1 > 0\'><ofd:TextCode X="0">行政&amp;审批 &#x4E2D;&#25991; &boom;</ofd:TextCode>' +
  '<empty/><![CDATA[<raw> & text]]></ofd:Page>';

describe('XmlScanner', () => {
  it('reports local names, attributes, decoded text and CDATA, and skips comments, PIs and DTDs', () => {
    assert.deepEqual(events([DOCUMENT]), [
      '<Page {"xmlns:ofd":"urn:x","a":"1 > 0"}>',
      '<TextCode {"X":"0"}>',
      '"行政&审批 中文 &boom;"',
      '</TextCode>',
      '<empty {}>',
      '</empty>',
      '"<raw> & text"',
      '</Page>',
    ]);
  });

  it('gives the same events however the input is split into chunks', () => {
    const whole = events([DOCUMENT]);
    for (let at = 1; at < DOCUMENT.length; at++) {
      assert.deepEqual(events([DOCUMENT.slice(0, at), DOCUMENT.slice(at)]), whole, `split at ${at}`);
    }
  });

  it('does not expand entities declared in a DTD', () => {
    const bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>';
    assert.deepEqual(events([bomb]), ['<x {}>', '"&b;"', '</x>']);
  });
});
