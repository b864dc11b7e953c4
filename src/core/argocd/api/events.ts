/**
 * "Show Events" of an Argo CD app reached through the API (issue 16, "events and the last operation's
 * result"): the Kubernetes events of the Application object, as `GET /api/v1/applications/{name}/events`
 * returns them (server/application/application.go ListResourceEvents without a resource: the events
 * whose involvedObject is the Application), as one plain-text document, newest first.
 */
import type { AppOperation } from '../../model/app';
import { timeAgo } from '../../text';

/** One event as the client reads it (core/v1 Event: type, reason, message, count, lastTimestamp|eventTime). */
export interface KubeEvent {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number | undefined;
  readonly lastTimestamp: string | undefined;
  readonly involvedObject: { readonly kind: string; readonly name: string; readonly namespace: string };
}

/** At most this many events are shown; the API returns what the event store holds (about an hour's worth). */
const MAX_EVENTS = 500;
/** One event's message is cut here: a controller may put a whole manifest diff into one. */
const MAX_MESSAGE = 2_000;

/** Control characters and line separators become one space: each event is one line of the document. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/**
 * The document: a header naming the app and the server, the last operation (phase, message, revision,
 * initiated by, finished at), then one line per event, newest first, with its age at `now`.
 */
export function eventsDocument(app: { readonly name: string; readonly namespace: string; readonly operation?: AppOperation }, server: string, events: readonly KubeEvent[], now: number): string {
  const lines = [`Events of Argo CD application ${app.namespace}/${app.name} on ${server}`, ''];
  const op = app.operation;
  if (op) {
    lines.push(`${op.phase === 'Running' ? 'Operation' : 'Last operation'}: ${op.title ?? op.phase}${op.initiatedBy ? `, initiated by ${oneLine(op.initiatedBy)}` : ''}`);
    if (op.message) lines.push(`  Message: ${oneLine(op.message).slice(0, MAX_MESSAGE)}`);
    if (op.revisions?.length) lines.push(`  Revision: ${op.revisions.map(oneLine).join(', ')}`);
    if (op.finishedAt) lines.push(`  Finished: ${op.finishedAt} (${timeAgo(Date.parse(op.finishedAt), now)})`);
    lines.push('');
  }
  if (events.length === 0) {
    lines.push('No events: Kubernetes keeps events about an hour (kube-apiserver --event-ttl), so an app left alone has none.');
    return `${lines.join('\n')}\n`;
  }
  const when = (e: KubeEvent): number => (e.lastTimestamp ? Date.parse(e.lastTimestamp) : NaN);
  const sorted = [...events].sort((a, b) => (Number.isNaN(when(b)) ? -1 : when(b)) - (Number.isNaN(when(a)) ? -1 : when(a)));
  for (const e of sorted.slice(0, MAX_EVENTS)) {
    const age = e.lastTimestamp ? `${e.lastTimestamp} (${timeAgo(when(e), now)})` : '(no time)';
    const times = e.count !== undefined && e.count > 1 ? ` ×${e.count}` : '';
    lines.push(`${age}  ${oneLine(e.type) || 'Normal'}  ${oneLine(e.reason)}${times}: ${oneLine(e.message).slice(0, MAX_MESSAGE)}`);
  }
  if (sorted.length > MAX_EVENTS) lines.push(`… and ${sorted.length - MAX_EVENTS} older events not shown.`);
  return `${lines.join('\n')}\n`;
}
