// Draws images/icon.png (the Marketplace and Open VSX icon): a stack of three layers, the middle
// one out of line — a dependency stack that does not fit. Plain zlib, no image library.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const samples = 4; // supersampling per axis, for smooth edges

/** Signed distance to a rounded rectangle centred at (cx, cy). */
function roundedRect(x, y, cx, cy, halfW, halfH, radius) {
  const dx = Math.max(Math.abs(x - cx) - halfW + radius, 0);
  const dy = Math.max(Math.abs(y - cy) - halfH + radius, 0);
  const outside = Math.hypot(dx, dy) - radius;
  const inside = Math.min(Math.max(Math.abs(x - cx) - halfW, Math.abs(y - cy) - halfH), 0);
  return dx > 0 || dy > 0 ? outside : inside;
}

const shapes = [
  { color: [0x1b, 0x26, 0x38], inside: (x, y) => roundedRect(x, y, 64, 64, 62, 62, 22) <= 0 },
  { color: [0xee, 0x4c, 0x2c], inside: (x, y) => roundedRect(x, y, 64, 36, 40, 11, 8) <= 0 },
  { color: [0xff, 0xd4, 0x3b], inside: (x, y) => roundedRect(x, y, 76, 64, 40, 11, 8) <= 0 },
  { color: [0x4d, 0xab, 0xcf], inside: (x, y) => roundedRect(x, y, 64, 92, 40, 11, 8) <= 0 },
];

const rows = [];
for (let py = 0; py < size; py++) {
  const row = Buffer.alloc(1 + size * 4);
  for (let px = 0; px < size; px++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < samples; sy++) {
      for (let sx = 0; sx < samples; sx++) {
        const x = px + (sx + 0.5) / samples;
        const y = py + (sy + 0.5) / samples;
        const top = [...shapes].reverse().find((shape) => shape.inside(x, y));
        if (top) {
          r += top.color[0];
          g += top.color[1];
          b += top.color[2];
          a += 255;
        }
      }
    }
    const n = samples * samples;
    const coverage = a / 255;
    const at = 1 + px * 4;
    row[at] = coverage ? Math.round(r / coverage) : 0;
    row[at + 1] = coverage ? Math.round(g / coverage) : 0;
    row[at + 2] = coverage ? Math.round(b / coverage) : 0;
    row[at + 3] = Math.round(a / n);
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
mkdirSync('images', { recursive: true });
writeFileSync('images/icon.png', png);
console.log(`wrote images/icon.png (${png.length} bytes)`);
