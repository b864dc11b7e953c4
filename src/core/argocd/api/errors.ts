/**
 * Argo CD API failures as codes, decided where they enter (STYLE.md rules 8 and 17), and described once
 * in words a user can act on. 401/403 name the RBAC permission that is missing in Argo CD's own terms
 * (docs operator-manual/rbac.md: `p, <role>, <resource>, <action>, <object>, allow`; resources and
 * actions from argo-cd util/rbac/rbac.go, objects from server/application/application.go
 * `getAppEnforceRBAC` and `Application.RBACName`: `<project>/<name>`, or `<project>/<namespace>/<name>`
 * for an app outside the control plane's namespace).
 */

export type ArgoCdErrorCode =
  /** No token, or one Argo CD rejects (expired, revoked, signed by another instance): log in again. */
  | 'Unauthorized'
  /** RBAC denied the call, or (Argo CD answers the same on purpose) the app does not exist. */
  | 'Forbidden'
  | 'NotFound'
  /** The server refused the request as invalid (a bad revision, a sync blocked by a window…). */
  | 'Rejected'
  /** Connection refused, DNS, reset, closed mid-answer. */
  | 'Unreachable'
  | 'Timeout'
  /** The TLS handshake failed: an untrusted or mismatched certificate, or TLS to a plain-text port. */
  | 'Tls'
  /** Nothing was sent: the token would have crossed the network in clear text. */
  | 'Insecure'
  /** The answer is not Argo CD's REST API (an HTML page, a redirect to a sign-in proxy). */
  | 'NotArgoCd'
  /** The server (or the proxy in front of it) speaks only gRPC / gRPC-web on this address. */
  | 'GrpcOnly'
  /** An answer over the size bound. */
  | 'TooLarge'
  /** A name that must not become a URL segment; thrown before any request. */
  | 'InvalidName'
  /** Argo CD failed (5xx). */
  | 'Server'
  | 'Unknown';

/** What a call needed, in Argo CD's RBAC terms. */
export interface RbacPermission {
  readonly resource: 'applications' | 'applicationsets' | 'projects' | 'clusters' | 'repositories' | 'logs';
  readonly action: 'get' | 'sync' | 'update' | 'create' | 'delete' | 'override' | 'action';
  /** `<project>/<name>`, `<project>/<namespace>/<name>`, or `*` style where the object is not known. */
  readonly object: string;
}

export class ArgoCdError extends Error {
  override readonly name = 'ArgoCdError';
  constructor(
    readonly code: ArgoCdErrorCode,
    message: string,
    /** HTTP status, when the server answered. */
    readonly status?: number,
    /** For Forbidden: the permission the call needed. */
    readonly permission?: RbacPermission,
    /** For Unauthorized: Argo CD's own words say the token expired (util/session: "token is expired"). */
    readonly expired?: boolean,
  ) {
    super(message);
  }
}

/** `p, role:…, applications, sync, default/guestbook, allow` — the line an admin adds to policy.csv. */
function policyLine(p: RbacPermission): string {
  return `p, <your role>, ${p.resource}, ${p.action}, ${p.object}, allow`;
}

/**
 * The RBAC object of an app as Argo CD builds it (Application.RBACName / security.RBACName): the
 * namespace appears only when the app is not in the control plane's namespace. `controlPlaneNamespace`
 * is `status.controllerNamespace` when known; without it the namespace is shown.
 */
export function appRbacObject(project: string | undefined, namespace: string | undefined, name: string, controlPlaneNamespace?: string): string {
  const proj = project || '*';
  if (!namespace || namespace === controlPlaneNamespace) return `${proj}/${name}`;
  return `${proj}/${namespace}/${name}`;
}

/**
 * The permission named in Argo CD's own denial, when it names one: util/rbac/rbac.go `EnforceErr` writes
 * `permission denied: <resource>, <action>, <object>, sub: <subject>, iat: <time>`. Plain "permission
 * denied" (getAppEnforceRBAC, which hides whether the app exists) names none.
 */
export function deniedPermission(serverMessage: string | undefined): { readonly permission: RbacPermission; readonly subject?: string } | undefined {
  const m = /^permission denied: ([a-z-]+), ([a-z]+(?:\/[^,]*)?), ([^,]+)(?:, sub: ([^,]+))?/.exec(serverMessage ?? '');
  if (!m) return undefined;
  const permission = { resource: m[1], action: m[2], object: m[3]!.trim() } as RbacPermission;
  return m[4] ? { permission, subject: m[4].trim() } : { permission };
}

/** The message for a 403: what was denied, the permission, and the two causes Argo CD does not tell apart. */
export function forbiddenMessage(server: string, what: string, expected: RbacPermission, serverMessage: string | undefined): string {
  const named = deniedPermission(serverMessage);
  const permission = named?.permission ?? expected;
  const account = named?.subject ? ` (${named.subject})` : '';
  const theirs = !named && serverMessage && serverMessage !== 'permission denied' ? ` (Argo CD: ${serverMessage})` : '';
  const existence =
    permission.resource === 'applications' && permission.action === 'get'
      ? ' Argo CD gives the same answer when the application does not exist, so that its existence is not revealed.'
      : '';
  return `${server}: ${what} was denied${theirs}: your Argo CD account${account} lacks the RBAC permission "${permission.action}" on ${permission.resource} "${permission.object}". An Argo CD admin can grant it in argocd-rbac-cm (policy.csv): ${policyLine(permission)}.${existence}`;
}

export function unauthorizedMessage(server: string, expired: boolean, hadToken: boolean): string {
  if (!hadToken) return `${server}: Argo CD needs a login; none is stored for this server. Log in (argocd login, or GitOps Lens's sign-in) and try again.`;
  return expired
    ? `${server}: the Argo CD login has expired. Log in again (argocd login, or GitOps Lens's sign-in).`
    : `${server}: Argo CD rejected the stored token (revoked, or issued by another Argo CD). Log in again.`;
}
