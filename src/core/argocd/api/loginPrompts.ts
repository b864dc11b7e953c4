/**
 * "An expired token asks once" (issue 16): when an Argo CD server rejects the login (401), the editor
 * asks for a new one once, not on every change event and not again while the user leaves the question
 * unanswered or dismissed. The source stops retrying a rejected login (infra apiSource), so the server
 * stays unreachable until the login changes: a restart (stop, then start with the new token) or the
 * server answering again opens the door for the next prompt.
 */
import type { ClusterConnection } from '../../store/appStore';

export interface LoginProblem {
  readonly cluster: string;
  /** Argo CD's words say the token expired (rather than revoked, or never given). */
  readonly expired: boolean;
  /** The server had a token to reject (false: none was stored or configured). */
  readonly hadToken: boolean;
}

export class LoginPrompts {
  private readonly asked = new Set<string>();

  /**
   * Called with a server's connection after each change; returns the problem to ask about when a prompt
   * is due now, else undefined. `unauthorized` tells whether the last failure was a rejected login.
   */
  observe(cluster: string, connection: ClusterConnection, unauthorized: { readonly expired: boolean; readonly hadToken: boolean } | undefined): LoginProblem | undefined {
    if (connection.phase === 'ready' || connection.phase === 'stopped' || connection.phase === 'idle') {
      this.asked.delete(cluster);
      return undefined;
    }
    if (connection.phase !== 'unreachable' || connection.lastError.code !== 'Unauthorized' || unauthorized === undefined) return undefined;
    if (this.asked.has(cluster)) return undefined;
    this.asked.add(cluster);
    return { cluster, ...unauthorized };
  }

  /** The server is gone (removed from the view or the config file). */
  forget(cluster: string): void {
    this.asked.delete(cluster);
  }
}
