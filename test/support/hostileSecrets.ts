/**
 * The Secrets of test/fixtures/hostile/secrets/cluster.yaml, for tests that must show none of them
 * reaches any output: each value in clear and base64 (as the API server stores and returns it).
 */
import * as path from 'node:path';
import { REPO_ROOT } from './paths';

export const HOSTILE_SECRETS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'secrets');

const CLUSTER_SECRET_VALUES = ['hunter2-db-password-7f3a', 'shop-admin-5c1e', 'sk-live-payment-token-91d2'] as const;

/** The cluster's Secret values found in `text`, clear or base64; [] when none leaked. */
export function leakedSecretValues(text: string): string[] {
  return CLUSTER_SECRET_VALUES.flatMap((v) => [v, Buffer.from(v).toString('base64')]).filter((v) => text.includes(v));
}
