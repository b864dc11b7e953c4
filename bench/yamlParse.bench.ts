/**
 * Parse throughput of the two YAML parsers on a generated 1,000-document manifest file: `yaml`
 * (keeps source ranges and comments, used for editing and CodeLens) against `js-yaml` (values
 * only). Decides where js-yaml is worth its place (bulk parsing without positions).
 */
import * as jsyaml from 'js-yaml';
import { LineCounter, Parser, parseAllDocuments } from 'yaml';
import type { BenchCase } from './harness';

export function generateManifests(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `app-${i}`;
    switch (i % 3) {
      case 0:
        docs.push(`# deployment ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: team-${i % 17}
  labels: {app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: shop}
spec:
  replicas: ${1 + (i % 5)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: main
          image: registry.example.com/shop/${name}:1.${i % 40}.0
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: LOG_LEVEL
              value: info
            - name: FEATURE_FLAGS
              value: "a,b,c"
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: "1", memory: 512Mi}`);
        break;
      case 1:
        docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: team-${i % 17}
spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - port: 80
      targetPort: http
      protocol: TCP`);
        break;
      default:
        docs.push(`apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: team-${i % 17}
data:
  settings.json: |
    {"retries": ${i % 7}, "timeoutSeconds": 30, "endpoints": ["a", "b"]}
  mode: production`);
    }
  }
  return docs.join('\n---\n') + '\n';
}

const TEXT = generateManifests(1000);
const MB = Buffer.byteLength(TEXT) / (1024 * 1024);

/** A throughput case: `parse` returns how many documents it read, which must be all 1,000. */
function throughputCase(label: string, parse: () => number): BenchCase {
  return {
    name: `${label}, 1000 docs (${MB.toFixed(2)} MB)`,
    unit: 'MB/s',
    runs: 10,
    warmup: 2,
    better: 'higher',
    measure: () => {
      const t0 = process.hrtime.bigint();
      const n = parse();
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      if (n !== 1000) throw new Error(`${label} read ${n} documents, expected 1000`);
      return MB / secs;
    },
  };
}

export const cases: BenchCase[] = [
  throughputCase('yaml parseAllDocuments+toJS', () => {
    const docs = parseAllDocuments(TEXT, { lineCounter: new LineCounter() });
    if (!Array.isArray(docs)) throw new Error('unexpected empty stream');
    for (const d of docs) d.toJS();
    return docs.length;
  }),
  // Tokens with offsets only: what finding document boundaries and ranges costs without values.
  throughputCase('yaml Parser (CST only)', () => {
    let docs = 0;
    for (const token of new Parser().parse(TEXT)) if (token.type === 'document') docs++;
    return docs;
  }),
  throughputCase('js-yaml loadAll', () => jsyaml.loadAll(TEXT).length),
];
