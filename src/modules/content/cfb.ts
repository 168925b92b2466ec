/**
 * OLE compound files (CFB). A password-protected DOCX or XLSX is not a ZIP at all but a CFB
 * holding "EncryptionInfo" and "EncryptedPackage" streams; anything else in a CFB is a legacy
 * Office file (.doc, .xls) or an installer, neither of which we accept.
 */
import type { FileHandle } from 'node:fs/promises';
import { readAt } from './file-io.ts';

const SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const END_OF_CHAIN = 0xfffffffe;
// Real directories of encrypted Office files span a handful of sectors.
const MAX_DIRECTORY_SECTORS = 256;

/** Starts with the compound file signature. */
export function isCfb(head: Buffer): boolean {
  return head.length >= 8 && head.subarray(0, 8).equals(SIGNATURE);
}

/** Whether the compound file's directory names the streams of an encrypted Office package. */
export async function isEncryptedOfficePackage(handle: FileHandle, size: number): Promise<boolean> {
  const header = await readAt(handle, 0, 512);
  if (header.length < 512) return false;
  const shift = header.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return false;
  const sectorSize = 1 << shift;
  const perFatSector = sectorSize / 4;
  // The first 109 FAT sector numbers live in the header; enough for files up to ~7 MB (512-byte
  // sectors) or ~450 MB (4 KiB), and the directory chain usually starts well within them.
  const difat = Array.from({ length: 109 }, (_, i) => header.readUInt32LE(0x4c + i * 4));
  const sectorOffset = (sector: number) => (sector + 1) * sectorSize;

  const nextSector = async (sector: number): Promise<number> => {
    const fatSector = difat[Math.floor(sector / perFatSector)];
    if (fatSector === undefined || sectorOffset(fatSector) + sectorSize > size) return END_OF_CHAIN;
    const entry = await readAt(handle, sectorOffset(fatSector) + (sector % perFatSector) * 4, 4);
    return entry.length === 4 ? entry.readUInt32LE(0) : END_OF_CHAIN;
  };

  const names = new Set<string>();
  let sector = header.readUInt32LE(0x30);
  for (let count = 0; count < MAX_DIRECTORY_SECTORS && sector < END_OF_CHAIN - 5; count++) {
    if (sectorOffset(sector) + sectorSize > size) break;
    const directory = await readAt(handle, sectorOffset(sector), sectorSize);
    for (let at = 0; at + 128 <= directory.length; at += 128) {
      const length = Math.min(64, directory.readUInt16LE(at + 64));
      if (length >= 2) names.add(directory.toString('utf16le', at, at + length - 2));
    }
    if (names.has('EncryptionInfo') && names.has('EncryptedPackage')) return true;
    sector = await nextSector(sector);
  }
  return false;
}
