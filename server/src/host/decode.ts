// Bytes on disk <-> the text the engine and the editor see. The text never holds the byte order
// mark (editors drop it, so offsets and LSP positions computed on it match the editor's text);
// what was read is remembered so a fix writes the file back in the same encoding, BOM included.
// A file whose bytes the text cannot reproduce exactly (an odd trailing byte in UTF-16) is still
// analysed but never rewritten: a fix would change bytes outside its span.

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface Decoded {
  /** The text without its BOM. */
  text: string;
  encoding: TextEncoding;
  bom: boolean;
  /** Whether {@link encodeText} of `text` gives back exactly the bytes read. */
  exact: boolean;
}

/** Decodes a file the way pip reads it: UTF-16 by its BOM, else UTF-8 (with or without a BOM); null when not valid UTF-8. */
export function decodeText(bytes: Uint8Array): Decoded | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, 'utf-16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, 'utf-16be');
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
    return { text, encoding: 'utf-8', bom, exact: true };
  } catch {
    return null;
  }
}

/** `text` as bytes in the encoding it was read in (and with its BOM, if it had one). */
export function encodeText(text: string, like: Pick<Decoded, 'encoding' | 'bom'>): Buffer {
  if (like.encoding === 'utf-8') {
    const body = Buffer.from(text, 'utf8');
    return like.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  }
  const body = Buffer.alloc(text.length * 2);
  const bigEndian = like.encoding === 'utf-16be';
  // Code unit by code unit: a lone surrogate is written back as it was read.
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (bigEndian) body.writeUInt16BE(unit, i * 2);
    else body.writeUInt16LE(unit, i * 2);
  }
  return Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), body]);
}

/**
 * UTF-16 by a decoder, then each lone surrogate put back: the decoder turns one into U+FFFD (one
 * code unit for one, so indices still match), which would be written back as other bytes. An odd
 * trailing byte has no code unit: the text cannot reproduce the file.
 */
function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): Decoded {
  const body = bytes.subarray(2, 2 + ((bytes.length - 2) & ~1));
  const decoded = new TextDecoder(encoding, { ignoreBOM: true }).decode(body);
  const units = body.length >> 1;
  const unit = (i: number): number => (encoding === 'utf-16le' ? body[2 * i]! | (body[2 * i + 1]! << 8) : (body[2 * i]! << 8) | body[2 * i + 1]!);
  const pieces: string[] = [];
  let from = 0;
  for (let i = 0; i < units; i++) {
    const u = unit(i);
    if (u < 0xd800 || u > 0xdfff) continue;
    if (u <= 0xdbff && i + 1 < units && unit(i + 1) >= 0xdc00 && unit(i + 1) <= 0xdfff) {
      i++; // a pair
      continue;
    }
    pieces.push(decoded.slice(from, i), String.fromCharCode(u));
    from = i + 1;
  }
  const text = from === 0 ? decoded : pieces.join('') + decoded.slice(from);
  return { text, encoding, bom: true, exact: (bytes.length & 1) === 0 };
}
