/**
 * External Secrets and Sealed Secrets as Argo CD's built-in Lua checks judge them (argo-cd
 * `resource_customizations/external-secrets.io/{ExternalSecret,SecretStore,ClusterSecretStore,PushSecret,ClusterExternalSecret}/health.lua`,
 * `resource_customizations/bitnami.com/SealedSecret/health.lua`).
 */
import { conditions, firstConditionDecides } from './conditions';
import { s } from './lua';
import { health, type Rec, type ResourceHealth } from './types';

export const externalSecret = (o: Rec): ResourceHealth => firstConditionDecides(o, 'Ready', 'Waiting for ExternalSecret');
export const secretStore = (o: Rec): ResourceHealth => firstConditionDecides(o, 'Ready', 'Waiting for SecretStore');
export const clusterSecretStore = (o: Rec): ResourceHealth => firstConditionDecides(o, 'Ready', 'Waiting for ClusterSecretStore');
export const pushSecret = (o: Rec): ResourceHealth => firstConditionDecides(o, 'Ready', 'Waiting for PushSecret');

/** ClusterExternalSecret appends conditions: only the last one counts. */
export function clusterExternalSecret(o: Rec): ResourceHealth {
  const list = conditions(o);
  const last = list[list.length - 1];
  if (last && last.status === 'True') {
    if (last.type === 'Ready') return health('Healthy', s(last.message));
    if (last.type === 'PartiallyReady' || last.type === 'NotReady') return health('Degraded', s(last.message));
  }
  return health('Progressing', 'Waiting for ClusterExternalSecret');
}

/** The controller reports decryption as the `Synced` condition. */
export const sealedSecret = (o: Rec): ResourceHealth => firstConditionDecides(o, 'Synced', 'Waiting for Sealed Secret to be decrypted');
