/**
 * The state words of an Argo CD server's row (issue 16), free of `vscode` so the unit layer checks
 * them: its address when connected, "login needed", "permission missing", or, while Argo CD is down,
 * how long ago it was last reached (its apps stay listed as last seen).
 */
import type { ArgoCdServerEntry } from '../../core/argocd/api/servers';
import type { ClusterConnection } from '../../core/store/appStore';
import { timeAgo } from '../../core/text';

export function serverStateText(server: ArgoCdServerEntry, connection: ClusterConnection, now: number): string {
  if (server.problem !== undefined) return 'cannot be used as configured';
  switch (connection.phase) {
    case 'ready':
      return server.address;
    case 'unreachable':
      if (connection.lastError.code === 'Unauthorized') return 'login needed';
      if (connection.lastError.code === 'Forbidden') return 'permission missing';
      // Its apps stay listed as last seen: say since when.
      return `unreachable since ${timeAgo(connection.since, now)}`;
    case 'connecting':
      return 'connecting…';
    default:
      return server.address;
  }
}
