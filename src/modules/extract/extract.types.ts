/** What field extraction returns: each value with where it was found and how sure we are. */
export const FIELD_NAMES = [
  'docNumber',
  'title',
  'issuer',
  'documentDate',
  'date',
  'recipients',
  'secrecyMark',
  'retentionMark',
  'creditCode',
  'projectCode',
  'residentId',
  'permitNumber',
  'phone',
  'amount',
  'address',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

export interface ExtractedField {
  field: FieldName;
  /** the normalised value (dates ISO 8601, amounts in yuan, resident ids masked) */
  value: string;
  /** [start, end) in the original text, UTF-16 code units */
  start: number;
  end: number;
  /** 0…1 */
  confidence: number;
  /** false when a check character or date does not hold: shown to a person, never used as fact */
  valid: boolean;
  /** what the pattern saw, after folding; omitted for resident ids */
  raw?: string;
}
