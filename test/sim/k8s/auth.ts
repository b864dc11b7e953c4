/**
 * Bearer-token authentication and RBAC-like authorization. A token maps to a user and rules
 * (verbs x apiGroups x resources x namespaces, '*' wildcards). Messages follow the RBAC authorizer
 * (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters.ForbiddenStatusError).
 */
import { StatusError } from './types';

export interface AuthRule {
  verbs: string[];
  apiGroups?: string[];
  resources: string[];
  /** Namespaces the rule applies to; absent = every namespace and cluster-scoped requests (a ClusterRole). */
  namespaces?: string[];
}

export interface Principal {
  user: string;
  /** undefined = cluster-admin */
  rules?: AuthRule[];
}

export interface AuthRequest {
  verb: string;
  group: string;
  /** plural, or plural/subresource */
  resource: string;
  namespace?: string;
  name?: string;
}

const any = (list: readonly string[] | undefined, v: string): boolean => list === undefined || list.includes('*') || list.includes(v);

export function allowed(p: Principal, r: AuthRequest): boolean {
  if (!p.rules) return true;
  return p.rules.some((rule) =>
    any(rule.verbs, r.verb) && any(rule.apiGroups ?? [''], r.group) && any(rule.resources, r.resource)
    && (rule.namespaces === undefined || (r.namespace !== undefined && any(rule.namespaces, r.namespace))));
}

export function forbidden(p: Principal, r: AuthRequest): StatusError {
  const [plural, sub] = r.resource.split('/') as [string, string | undefined];
  const gr = r.group ? `${plural}.${r.group}` : plural;
  const subject = r.name ? `${gr} "${r.name}"` : gr;
  const scope = r.namespace ? `in the namespace "${r.namespace}"` : 'at the cluster scope';
  return new StatusError(403, 'Forbidden',
    `${subject} is forbidden: User "${p.user}" cannot ${r.verb} resource "${plural}${sub ? `/${sub}` : ''}" in API group "${r.group}" ${scope}`,
    { ...(r.name ? { name: r.name } : {}), group: r.group, kind: plural });
}

export const unauthorized = (): StatusError => new StatusError(401, 'Unauthorized', 'Unauthorized');
