import { splitOverlappingSeals } from './ocr.marks.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { jpeg, png, tiff } from '../content/testing/image-fixtures.ts';
import { openImage, separateRed, stretchContrast } from './ocr.image.ts';

describe('decoding scans for OCR', () => {
  it('refuses a 30 000 × 30 000 pixel decompression bomb from its header', async () => {
    await assert.rejects(openImage(png(8, 8, { width: 30_000, height: 30_000 }), 'bomb.png'), {
      code: 'ocr.image_too_large',
    });
    await assert.rejects(openImage(jpeg({ width: 30_000, height: 30_000 }), 'bomb.jpg'), {
      code: 'ocr.image_too_large',
    });
  });

  it('refuses a truncated image with a stable code', async () => {
    const whole = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    // The header survives the cut, so the damage shows when the pixels are decoded.
    const source = await openImage(whole.subarray(0, Math.floor(whole.length / 2)), 'cut.jpg');
    await assert.rejects(source.page(0), { code: 'ocr.unreadable_image' });
  });

  it('refuses bytes that are not an image', async () => {
    await assert.rejects(openImage(Buffer.from('这不是图像 not an image'), 'a.png'), {
      code: 'ocr.unsupported_file',
    });
    await assert.rejects(openImage(Buffer.alloc(0), 'empty.png'), /ocr\./);
  });

  it('reads every page of a multi-page TIFF', async () => {
    const source = await openImage(
      tiff([
        { width: 40, height: 30 },
        { width: 20, height: 50 },
      ]),
      'two.tif',
    );
    assert.equal(source.pageCount, 2);
    const second = await source.page(1);
    assert.deepEqual([second.width, second.height], [20, 50]);
  });

  it('lifts red seal ink to white and keeps black text printed under it', () => {
    // pixels: paper, black text, seal red, text under seal (dark), grey text edge
    const rgb = Uint8Array.from([255, 255, 255, 0, 0, 0, 216, 35, 42, 30, 5, 6, 180, 175, 176]);
    const { gray } = separateRed(rgb, 5, 1, 3);
    assert.deepEqual([...gray], [255, 0, 255, 30, 180]);
  });

  it('stretches a faded scan to full contrast and leaves a blank page alone', () => {
    const faded = Uint8Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 120 : 230));
    const out = stretchContrast(faded);
    assert.equal(out[0], 0);
    assert.equal(out[1], 255);
    const blank = new Uint8Array(100).fill(240);
    assert.deepEqual([...stretchContrast(blank)], [...blank]);
  });
});

describe('overlapping seals', () => {
  const ring = (cx: number, cy: number, r: number) => (x: number, y: number) =>
    Math.abs(Math.hypot(x - cx, y - cy) - r) < 5;

  it('splits two rings printed over each other into one box per seal, and leaves a single ring alone', () => {
    const a = ring(200, 200, 150);
    const b = ring(260, 250, 150);
    const boxes = splitOverlappingSeals([45, 45, 415, 405], (x, y) => a(x, y) || b(x, y));
    assert.equal(boxes.length, 2);
    const centres = boxes
      .map((box) => [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2])
      .sort((p, q) => p[0]! - q[0]!);
    assert.ok(Math.hypot(centres[0]![0]! - 200, centres[0]![1]! - 200) < 8, JSON.stringify(boxes));
    assert.ok(Math.hypot(centres[1]![0]! - 260, centres[1]![1]! - 250) < 8, JSON.stringify(boxes));
    assert.deepEqual(splitOverlappingSeals([45, 45, 355, 355], ring(200, 200, 150)), [[45, 45, 355, 355]]);
  });
});
