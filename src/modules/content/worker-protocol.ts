/** Messages between the content module and its worker thread. */
import type { ContentLimits } from './limits.ts';
import type { InspectedFile } from './types.ts';

export type WorkerTask =
  | { type: 'pdf-info'; path: string }
  | { type: 'extract'; path: string; file: InspectedFile; maxChars: number; limits: ContentLimits };

export interface ExtractedText {
  text: string;
  pages?: { number: number; text: string }[];
  truncated: boolean;
}

export type WorkerReply = { ok: true; value: unknown } | { ok: false; reason: string };
