/**
 * A small streaming XML scanner, enough for the text of OOXML and OFD parts. It expands only the
 * five predefined entities and character references, never a DTD's, so no entity-expansion bomb
 * can work; it keeps at most one unfinished tag or text run in memory between chunks.
 */
import { TextDecoder } from 'node:util';

export interface XmlHandlers {
  /** A start tag; `name` is the local name (no prefix), attribute names keep their prefix. */
  open?(name: string, attributes: Record<string, string>): void;
  /** An end tag, or the end of a self-closing tag. */
  close?(name: string): void;
  text?(text: string): void;
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
// One text run or tag larger than this is not a document part but an attack on our memory.
const MAX_PENDING_CHARS = 16 * 1024 * 1024;

/** Expands the five predefined entities and character references; leaves any other as is. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

/** An element or attribute name without its namespace prefix. */
export function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([^\s=/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes[match[1]!] = decodeEntities(match[2] ?? match[3] ?? '');
  }
  return attributes;
}

/** Where the construct opening at `start` ends (index just past it), or -1 if not yet complete. */
function constructEnd(buffer: string, start: number): number {
  if (buffer.startsWith('<!--', start)) {
    const end = buffer.indexOf('-->', start + 4);
    return end < 0 ? -1 : end + 3;
  }
  if (buffer.startsWith('<![CDATA[', start)) {
    const end = buffer.indexOf(']]>', start + 9);
    return end < 0 ? -1 : end + 3;
  }
  if (buffer.startsWith('<?', start)) {
    const end = buffer.indexOf('?>', start + 2);
    return end < 0 ? -1 : end + 2;
  }
  // A tag or a DOCTYPE: '>' inside quotes or an internal subset does not end it.
  let quote = '';
  let depth = 0;
  for (let i = start + 1; i < buffer.length; i++) {
    const c = buffer[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return -1;
}

export class XmlScanner {
  #handlers: XmlHandlers;
  #buffer = '';

  constructor(handlers: XmlHandlers) {
    this.#handlers = handlers;
  }

  write(chunk: string): void {
    this.#buffer += chunk;
    let position = 0;
    const buffer = this.#buffer;
    for (;;) {
      const lt = buffer.indexOf('<', position);
      if (lt < 0) break;
      if (lt > position) this.#handlers.text?.(decodeEntities(buffer.slice(position, lt)));
      position = lt;
      const end = constructEnd(buffer, lt);
      if (end < 0) break;
      this.#construct(buffer.slice(lt, end));
      position = end;
    }
    // Text without a following '<' may still be cut inside an entity: keep it for the next chunk.
    this.#buffer = buffer.slice(position);
    if (this.#buffer.length > MAX_PENDING_CHARS) throw new Error('XML construct too large');
  }

  end(): void {
    if (this.#buffer.trim()) this.#handlers.text?.(decodeEntities(this.#buffer));
    this.#buffer = '';
  }

  #construct(source: string): void {
    if (source.startsWith('<![CDATA[')) {
      this.#handlers.text?.(source.slice(9, -3));
    } else if (source.startsWith('</')) {
      this.#handlers.close?.(localName(source.slice(2, -1).trim()));
    } else if (!source.startsWith('<!') && !source.startsWith('<?')) {
      const selfClosing = source.endsWith('/>');
      const inner = source.slice(1, selfClosing ? -2 : -1);
      const nameEnd = inner.search(/[\s/]|$/);
      const name = localName(inner.slice(0, nameEnd));
      this.#handlers.open?.(name, parseAttributes(inner.slice(nameEnd)));
      if (selfClosing) this.#handlers.close?.(name);
    }
  }
}

/** Feeds a part's bytes through a scanner, choosing UTF-16 when the part starts with its BOM. */
export async function scanXml(chunks: AsyncIterable<Uint8Array>, handlers: XmlHandlers): Promise<void> {
  const scanner = new XmlScanner(handlers);
  let decoder: TextDecoder | undefined;
  for await (const chunk of chunks) {
    decoder ??= new TextDecoder(
      chunk[0] === 0xff && chunk[1] === 0xfe
        ? 'utf-16le'
        : chunk[0] === 0xfe && chunk[1] === 0xff
          ? 'utf-16be'
          : 'utf-8',
    );
    scanner.write(decoder.decode(chunk, { stream: true }));
  }
  if (decoder) scanner.write(decoder.decode());
  scanner.end();
}

/** Scans a whole string (a small part already in memory). */
export function scanXmlString(xml: string, handlers: XmlHandlers): void {
  const scanner = new XmlScanner(handlers);
  scanner.write(xml);
  scanner.end();
}
