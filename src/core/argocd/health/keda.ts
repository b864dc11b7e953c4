/**
 * KEDA as Argo CD's built-in Lua checks judge it (argo-cd `resource_customizations/keda.sh/{ScaledObject,ScaledJob}/health.lua`):
 * every condition is looked at and the last relevant one gives the message; a failing one wins over
 * Ready, and Paused makes a ready object Suspended.
 */
import { conditions } from './conditions';
import { s } from './lua';
import { health, type Rec, type ResourceHealth } from './types';

function scaled(o: Rec, degradedWhen: (c: Rec) => boolean, waiting: string): ResourceHealth {
  let healthy = false;
  let degraded = false;
  let suspended = false;
  let message: string | undefined;
  for (const c of conditions(o)) {
    if (c.status === 'False' && c.type === 'Ready') {
      message = s(c.message);
      degraded = true;
    }
    if (c.status === 'True' && c.type === 'Ready') {
      message = s(c.message);
      healthy = true;
    }
    if (c.status === 'True' && c.type === 'Paused') {
      message = s(c.message);
      suspended = true;
    }
    if (degradedWhen(c)) {
      message = s(c.message);
      degraded = true;
    }
  }
  if (degraded) return health('Degraded', message);
  if (healthy) return health(suspended ? 'Suspended' : 'Healthy', message);
  return health('Progressing', waiting);
}

/** A trigger falling back (Fallback=True) degrades a ScaledObject. */
export const scaledObject = (o: Rec): ResourceHealth => scaled(o, (c) => c.status === 'True' && c.type === 'Fallback', 'Creating HorizontalPodAutoscaler Object');
/** A ScaledJob whose Ready is Unknown has failing triggers. */
export const scaledJob = (o: Rec): ResourceHealth => scaled(o, (c) => c.status === 'Unknown' && c.type === 'Ready', 'Waiting for ScaledJob');
