// Applies the static checks' edits to a copy of a sample, so a test can check
// that the fixes the doctor suggests do fix what it found.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Edit, Finding } from '../../src/doctor/types.js';

/** The lines of `text` with the edits applied, bottom up; an edit overlapping one already applied is left out. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const lines = text.split('\n');
  const unique = [...new Map(edits.map((e) => [JSON.stringify(e), e])).values()];
  unique.sort((a, b) => b.line - a.line || b.endLine - a.endLine);
  let floor = Infinity;
  for (const e of unique) {
    if (Math.max(e.endLine, e.line - 1) >= floor) continue;
    lines.splice(e.line - 1, e.endLine - e.line + 1, ...e.text.split('\n'));
    floor = e.line;
  }
  return lines.join('\n');
}

/** A copy of `dir` in a new temporary directory, with the findings' edits applied to it. */
export function fixedCopy(dir: string, findings: readonly Finding[]): string {
  const copy = mkdtempSync(join(tmpdir(), 'doctor-fixed-'));
  cpSync(dir, copy, { recursive: true });
  const byFile = new Map<string, Edit[]>();
  for (const f of findings) {
    if (!f.edit) continue;
    const rel = relative(dir, f.edit.file);
    if (rel.startsWith('..')) throw new Error(`an edit outside the sample: ${f.edit.file}`);
    byFile.set(rel, [...(byFile.get(rel) ?? []), f.edit]);
  }
  for (const [rel, edits] of byFile) {
    const path = join(copy, rel);
    writeFileSync(path, applyEdits(readFileSync(path, 'utf8'), edits));
  }
  return copy;
}
