/**
 * Last line of defence for STYLE.md rule 11 (logs never contain tokens or Secret values): every log
 * line passes through here. Callers still must not log secrets; this catches the shapes that slip
 * through, such as an Authorization header in an error message or a token in a URL.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // HTTP auth headers and their values, as printed by HTTP clients in errors.
  [/\b(authorization|proxy-authorization|private-token|x-auth-token)(["']?\s*[:=]\s*["']?)(bearer |basic |token )?[^\s"',}]+/gi, '$1$2$3***'],
  // Credentials embedded in URLs: https://user:secret@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, '$1***@'],
  // A token alone as the user of an HTTP(S) URL: https://<token>@github.com/owner/repo, as forges
  // document for personal access tokens. (ssh://git@host keeps its user: not a credential.)
  [/\b(https?:\/\/)[^/\s:@]+@/gi, '$1***@'],
  // Forge token formats (GitHub, GitLab).
  [/\b(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,})\b/g, '***'],
  // kubeconfig / JSON fields that carry credentials.
  [/\b(token|password|client-key-data|client-certificate-data|id-token|refresh-token)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2***'],
];

export function redact(line: string): string {
  let out = line;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/**
 * Characters a terminal acts on rather than prints: C0 controls (ESC starts colour, cursor, title and
 * OSC 8 hyperlink sequences; BEL ends OSC), DEL, C1 controls (U+009B is a one-character CSI on
 * terminals that honour C1 in UTF-8), and the bidirectional and line-separator formatting characters
 * that reorder what is shown (Trojan Source, CVE-2021-42574).
 */
const TERMINAL_ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const TERMINAL_ACTIVE_BUT_LF = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** What JSON.stringify leaves raw of TERMINAL_ACTIVE (it writes C0 controls in strings as escapes). */
const JSON_RAW_ACTIVE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * A visible stand-in for one active character: caret notation for C0 and DEL (`^[` for ESC, as
 * kubectl's cli-runtime pkg/printers/terminal.go `EscapeTerminal` writes it), `<U+009B>` for the rest
 * (a form JSON quoting, as the diff output does for values, leaves as it is).
 */
function visible(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * Text from outside (cluster messages, names, revisions, URLs, error messages) as it may be written
 * to a terminal: credentials redacted as in the log (`redact`), then every active character shown
 * escaped. Line feeds are kept only with `multiline` (for our own multi-line messages); a table cell
 * or a field is one line.
 */
export function terminalText(text: string, opts: { readonly multiline?: boolean } = {}): string {
  return redact(text).replace(opts.multiline === true ? TERMINAL_ACTIVE_BUT_LF : TERMINAL_ACTIVE, visible);
}

/**
 * A JSON document for stdout: every string value redacted as in the log, and the active characters
 * JSON.stringify leaves raw (DEL, C1, bidi and line separators: it escapes only C0) written as `\u`
 * escapes, so the document parses to the same redacted values and a terminal shows it inert.
 */
export function terminalJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? redact(v) : v), 2);
  // Outside strings the text has only the line feeds and spaces of the indentation.
  return text.replace(JSON_RAW_ACTIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
