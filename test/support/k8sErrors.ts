/**
 * Rejections as the live-object port gives them (core/ports LiveObjectReader): typed where they enter,
 * by the same mapping of HTTP statuses as src/infra/k8s (codeOfStatus), so fakes of the port fail the
 * way KubeClusterAccess fails.
 */
import { K8sRequestError, codeOfStatus } from '../../src/infra/k8s/errors';

/** The API server answered `status` (404 → NotFound, 403 → Forbidden, …). */
export function k8sStatusError(status: number, message = `HTTP-Code: ${status}`): K8sRequestError {
  return new K8sRequestError(codeOfStatus(status, message), status);
}
