/**
 * Words every surface uses the same way (tree, tooltips, lenses, hovers, notifications, CLI), so a
 * user reads one format everywhere (issue 13, "What users read, consistent").
 */

/** Prefix of every notification GitOps Lens shows, so a user knows which extension speaks. */
const MESSAGE_PREFIX = 'GitOps Lens: ';

/** `message` with the prefix, unless it already names GitOps Lens. */
export function userMessage(message: string): string {
  return message.startsWith('GitOps Lens') ? message : `${MESSAGE_PREFIX}${message}`;
}

/** How long from `from` to `now` (epoch ms): `under a minute`, `4 min`, `3 h`, `2 days`. */
export function timeSpan(from: number, now: number): string {
  const min = Math.floor(Math.max(0, now - from) / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} days`;
}

/**
 * How long ago `then` was, seen at `now` (epoch ms): `just now`, `4 min ago`, `3 h ago`, `2 days ago`
 * (hours up to 48, so "yesterday evening" reads as hours). An unknown time says so.
 */
export function timeAgo(then: number, now: number): string {
  if (!Number.isFinite(then)) return 'at an unknown time';
  return now - then < 60_000 ? 'just now' : `${timeSpan(then, now)} ago`;
}
