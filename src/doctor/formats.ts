// The report for CI: SARIF 2.1.0 (code-scanning upload) and GitHub Actions
// workflow commands (`::error file=F,line=N::message`, shown on the diff).
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DoctorReport } from './report.js';
import { ruleOf } from './rules.js';
import type { Finding, Severity } from './types.js';
import { escapeControl } from '../core/escape.js';


/** A file as a SARIF artifact URI: relative to the working directory (the repository in CI) where it is inside it. */
function artifactUri(file: string, cwd: string): string {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  if (isAbsolute(rel) || rel.startsWith('..')) return pathToFileURL(file).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** The report as a SARIF 2.1.0 log: one rule per finding id, one result per finding. */
export function renderSarif(report: DoctorReport, options: { version: string; cwd: string }): string {
  const ids = [...new Set(report.findings.map((f) => f.id))];
  const rules = ids.map((id) => {
    const rule = ruleOf(id);
    return {
      id,
      name: id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase()),
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.help },
      help: { text: `${rule.help} More: docs/${rule.doc} in usher's repository.`, markdown: `${rule.help}\n\nMore: \`docs/${rule.doc}\` in usher's repository.` },
      defaultConfiguration: { level: SARIF_LEVEL[report.findings.find((f) => f.id === id)?.severity ?? 'warning'] },
    };
  });
  const results = report.findings.map((f) => ({
    ruleId: f.id,
    ruleIndex: ids.indexOf(f.id),
    level: SARIF_LEVEL[f.severity],
    message: { text: `${f.message}\nFix: ${f.fix}` },
    ...(f.file
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(f.file, options.cwd) },
                ...(f.line !== undefined && f.line > 0 ? { region: { startLine: f.line } } : {}),
              },
            },
          ],
        }
      : {}),
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'usher doctor', semanticVersion: options.version, rules } },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * GitHub's escaping of a workflow command's message; then every other control
 * character written out, since a quoted command line is a process's own text
 * and the log is read on a terminal too.
 */
function escapeData(text: string): string {
  return escapeControl(text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** GitHub's escaping of a workflow command's property value (also `:` and `,`). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const GITHUB_COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function annotation(f: Finding): string {
  const properties = [
    ...(f.file ? [`file=${escapeProperty(f.file)}`] : []),
    ...(f.file && f.line !== undefined && f.line > 0 ? [`line=${f.line}`] : []),
    `title=${escapeProperty(`usher doctor: ${f.id}`)}`,
  ];
  return `::${GITHUB_COMMAND[f.severity]} ${properties.join(',')}::${escapeData(`${f.message}\nFix: ${f.fix}`)}`;
}

/** The findings as GitHub Actions annotations, one line each. */
export function renderGithub(report: DoctorReport): string {
  return report.findings.map((f) => `${annotation(f)}\n`).join('');
}
