/**
 * Decoding of `application/vnd.kubernetes.protobuf` request bodies for the kinds kubectl's typed
 * generators send that way (`kubectl create namespace|configmap|secret|serviceaccount|deployment|service`).
 * Wire format: magic "k8s\0" + runtime.Unknown{typeMeta, raw} (k8s.io/apimachinery/pkg/runtime/serializer/protobuf),
 * raw holding the object in the field numbers of k8s.io/api/<group>/<version>/generated.proto.
 * Only the fields those generators set are mapped; unknown fields are skipped.
 */
import { StatusError } from './types';

type Kind = 'string' | 'int' | 'bool' | 'bytes' | 'time' | 'intstr' | 'quantity' | Msg | { map: 'string' | 'bytes' | 'quantity' };
interface Field {
  name: string;
  kind: Kind;
  repeated?: boolean;
  /** Go pointer field: a zero value was set on purpose. Other scalars are always on the wire and zero means unset (JSON omitempty). */
  ptr?: boolean;
}
interface Msg {
  [no: number]: Field;
}

const f = (name: string, kind: Kind, repeated = false): Field => ({ name, kind, repeated });
const p = (name: string, kind: Kind): Field => ({ name, kind, ptr: true });

const objectMeta: Msg = {
  1: f('name', 'string'), 2: f('generateName', 'string'), 3: f('namespace', 'string'), 5: f('uid', 'string'), 6: f('resourceVersion', 'string'),
  7: f('generation', 'int'), 8: f('creationTimestamp', 'time'), 11: f('labels', { map: 'string' }), 12: f('annotations', { map: 'string' }), 14: f('finalizers', 'string', true),
};
const labelSelector: Msg = { 1: f('matchLabels', { map: 'string' }), 2: f('matchExpressions', { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', true) }, true) };
const container: Msg = {
  1: f('name', 'string'), 2: f('image', 'string'), 3: f('command', 'string', true), 4: f('args', 'string', true), 5: f('workingDir', 'string'),
  6: f('ports', { 1: f('name', 'string'), 2: f('hostPort', 'int'), 3: f('containerPort', 'int'), 4: f('protocol', 'string'), 5: f('hostIP', 'string') }, true),
  7: f('env', { 1: f('name', 'string'), 2: f('value', 'string') }, true),
  8: f('resources', { 1: f('limits', { map: 'quantity' }), 2: f('requests', { map: 'quantity' }) }),
  13: f('terminationMessagePath', 'string'), 14: f('imagePullPolicy', 'string'), 20: f('terminationMessagePolicy', 'string'),
};
const podSpec: Msg = {
  2: f('containers', container, true), 3: f('restartPolicy', 'string'), 4: p('terminationGracePeriodSeconds', 'int'), 6: f('dnsPolicy', 'string'),
  7: f('nodeSelector', { map: 'string' }), 8: f('serviceAccountName', 'string'), 20: f('initContainers', container, true),
};
const kinds: Record<string, Msg> = {
  Namespace: { 1: f('metadata', objectMeta), 2: f('spec', { 1: f('finalizers', 'string', true) }), 3: f('status', { 1: f('phase', 'string') }) },
  ConfigMap: { 1: f('metadata', objectMeta), 2: f('data', { map: 'string' }), 3: f('binaryData', { map: 'bytes' }), 4: p('immutable', 'bool') },
  Secret: { 1: f('metadata', objectMeta), 2: f('data', { map: 'bytes' }), 3: f('type', 'string'), 4: f('stringData', { map: 'string' }), 5: p('immutable', 'bool') },
  ServiceAccount: { 1: f('metadata', objectMeta), 3: f('imagePullSecrets', { 1: f('name', 'string') }, true), 4: p('automountServiceAccountToken', 'bool') },
  Deployment: {
    1: f('metadata', objectMeta),
    2: f('spec', {
      1: p('replicas', 'int'), 2: f('selector', labelSelector), 3: f('template', { 1: f('metadata', objectMeta), 2: f('spec', podSpec) }),
      4: f('strategy', { 1: f('type', 'string'), 2: f('rollingUpdate', { 1: f('maxUnavailable', 'intstr'), 2: f('maxSurge', 'intstr') }) }),
      5: f('minReadySeconds', 'int'), 6: p('revisionHistoryLimit', 'int'), 7: f('paused', 'bool'), 9: p('progressDeadlineSeconds', 'int'),
    }),
    3: f('status', {}),
  },
  Service: {
    1: f('metadata', objectMeta),
    2: f('spec', {
      1: f('ports', { 1: f('name', 'string'), 2: f('protocol', 'string'), 3: f('port', 'int'), 4: f('targetPort', 'intstr'), 5: f('nodePort', 'int') }, true),
      2: f('selector', { map: 'string' }), 3: f('clusterIP', 'string'), 4: f('type', 'string'), 10: f('externalName', 'string'),
    }),
    3: f('status', {}),
  },
};

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly end = buf.length) {}
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  }
  bytes(): Buffer {
    const len = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.pos += 8;
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function fields(buf: Buffer, visit: (no: number, wire: number, r: Reader) => void): void {
  const r = new Reader(buf);
  while (r.pos < r.end) {
    const key = r.varint();
    visit(Math.floor(key / 8), key % 8, r);
  }
}

function decodeMsg(buf: Buffer, msg: Msg): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields(buf, (no, wire, r) => {
    const field = msg[no];
    if (!field) return r.skip(wire);
    const value = decodeValue(field.kind, wire, r);
    if (value === undefined) return;
    if (!field.ptr && !field.repeated && (value === '' || value === 0 || value === false)) return;
    if (typeof field.kind === 'object' && 'map' in field.kind) {
      const [k, v] = value as [string, unknown];
      out[field.name] = { ...((out[field.name] as Record<string, unknown> | undefined) ?? {}), [k]: v };
    } else if (field.repeated) {
      const list = (out[field.name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[field.name] = list;
    } else out[field.name] = value;
  });
  return out;
}

function decodeValue(kind: Kind, wire: number, r: Reader): unknown {
  if (kind === 'int') return r.varint();
  if (kind === 'bool') return r.varint() !== 0;
  const b = r.bytes();
  if (kind === 'string') return b.toString('utf8');
  if (kind === 'bytes') return b.toString('base64');
  if (kind === 'time') {
    const t = decodeMsg(b, { 1: f('seconds', 'int'), 2: f('nanos', 'int') });
    return t.seconds ? new Date(Number(t.seconds) * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : undefined;
  }
  if (kind === 'quantity') return decodeMsg(b, { 1: f('string', 'string') }).string;
  if (kind === 'intstr') {
    const v = decodeMsg(b, { 1: f('type', 'int'), 2: f('intVal', 'int'), 3: f('strVal', 'string') });
    return v.type === 1 ? v.strVal ?? '' : v.intVal ?? 0;
  }
  if ('map' in kind) {
    const e = decodeMsg(b, { 1: f('k', 'string'), 2: f('v', kind.map === 'bytes' ? 'bytes' : kind.map === 'quantity' ? 'quantity' : 'string') });
    return [String(e.k ?? ''), e.v ?? ''];
  }
  return decodeMsg(b, kind);
}

/** Decodes a Kubernetes protobuf envelope into a JSON object, or throws 415 for kinds the sim cannot read. */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new StatusError(400, 'BadRequest', 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  const unknown = decodeMsg(body.subarray(4), { 1: f('typeMeta', { 1: f('apiVersion', 'string'), 2: f('kind', 'string') }), 2: f('raw', 'bytes') });
  const tm = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const schema = kinds[tm.kind ?? ''];
  if (!schema) {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (simulator: no protobuf decoding for ${tm.kind ?? 'unknown kind'})`);
  }
  const obj = decodeMsg(Buffer.from(String(unknown.raw ?? ''), 'base64'), schema);
  return { apiVersion: tm.apiVersion, kind: tm.kind, ...obj, metadata: obj.metadata ?? {} };
}
