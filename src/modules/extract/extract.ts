/**
 * Field extraction from a record's text (born-digital or OCR): every value with its position in the
 * text, a confidence, and whether its check holds. Pure: no I/O.
 */
import { findLayoutFields } from './extract.layout.ts';
import {
  findAmounts,
  findCodes,
  findDates,
  findDocNumbers,
  findPermitNumbers,
  findPhones,
  findProjectCodes,
} from './extract.patterns.ts';
import type { ExtractedField } from './extract.types.ts';
import { foldText } from './text-map.ts';

export type { ExtractedField, FieldName } from './extract.types.ts';

/** Longer texts are read up to here (positions stay exact): an official document's fields sit in front. */
export const EXTRACT_MAX_CHARS = 2_000_000;

export function extractFields(input: string): ExtractedField[] {
  const text = input.length > EXTRACT_MAX_CHARS ? input.slice(0, EXTRACT_MAX_CHARS) : input;
  const mapped = foldText(text);
  const dates = findDates(mapped);
  const fields = [
    ...findDocNumbers(mapped),
    ...dates,
    ...findCodes(mapped),
    ...findProjectCodes(mapped),
    ...findPermitNumbers(mapped),
    ...findPhones(mapped),
    ...findAmounts(mapped),
    ...findLayoutFields(text, dates),
  ];
  return dedupe(fields).sort((a, b) => a.start - b.start || a.field.localeCompare(b.field));
}

/** One entry per (field, value, start): patterns may overlap. Phones inside longer codes are dropped. */
function dedupe(fields: ExtractedField[]): ExtractedField[] {
  const seen = new Set<string>();
  const codes = fields.filter(
    (f) =>
      f.field === 'creditCode' ||
      f.field === 'residentId' ||
      f.field === 'projectCode' ||
      f.field === 'permitNumber',
  );
  return fields.filter((f) => {
    const key = `${f.field}|${f.value}|${f.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (f.field === 'phone' && codes.some((c) => c.start <= f.start && c.end >= f.end)) return false;
    return true;
  });
}

/** The best value per field (highest confidence, valid first), for pre-filling metadata. */
export function bestFields(
  fields: ExtractedField[],
): Partial<Record<ExtractedField['field'], ExtractedField>> {
  const best: Partial<Record<ExtractedField['field'], ExtractedField>> = {};
  for (const f of fields) {
    const current = best[f.field];
    if (
      !current ||
      Number(f.valid) > Number(current.valid) ||
      (f.valid === current.valid && f.confidence > current.confidence)
    )
      best[f.field] = f;
  }
  return best;
}
