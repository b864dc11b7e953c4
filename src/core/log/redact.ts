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
