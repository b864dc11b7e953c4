/**
 * `npm run demo`: the whole product on the simulators. Starts the forge with the sample GitOps
 * repository, two simulated clusters with their Argo CD and Flux controllers, and code-server with
 * GitOps Lens and a clone of the repository; prints the URL and runs until Ctrl+C.
 * `npm run demo -- --smoke` does the same headless, checks in Chromium that the extension activated and
 * lists what it should, prints the result, and exits 0 or 1.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium, startCodeServer, workbenchUrl, type CodeServer } from '../../support/codeServer';
import { startDemoEnvironment, type DemoEnvironment } from './environment';
import { ENVIRONMENTS } from './sampleRepo';
import { checkWorkbench } from './smoke';

async function main(argv: string[]): Promise<number> {
  const smoke = argv.includes('--smoke');
  const unknown = argv.filter((a) => a !== '--smoke');
  if (unknown.length > 0) {
    console.error(`usage: npm run demo [-- --smoke]   (unknown argument: ${unknown[0]})`);
    return 2;
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-demo-'));
  let env: DemoEnvironment | undefined;
  let server: CodeServer | undefined;
  const cleanup = async (): Promise<void> => {
    await server?.stop();
    await env?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    env = await startDemoEnvironment(root);
    server = await startCodeServer({ env: { KUBECONFIG: env.kubeconfigFiles.join(path.delimiter) } });
    const url = workbenchUrl(server.url, env.workspace);
    printSummary(env, url, Date.now() - started);
    if (smoke) {
      const browser = await launchChromium();
      try {
        const result = await checkWorkbench(browser, url, env);
        for (const line of result.lines) console.log(line);
        console.log(result.ok ? 'demo smoke: ok' : 'demo smoke: FAILED');
        return result.ok ? 0 : 1;
      } finally {
        await browser.close();
      }
    }
    console.log('Press Ctrl+C to stop.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    return 0;
  } catch (e) {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await cleanup();
  }
}

function printSummary(env: DemoEnvironment, url: string, ms: number): void {
  console.log(`GitOps Lens demo ready in ${(ms / 1000).toFixed(1)} s`);
  console.log(`  forge:      ${env.forge.url}  (repository ${env.repoURL})`);
  for (const name of ENVIRONMENTS) {
    const c = env.clusters[name];
    const apps = c.objects.list('argoproj.io/v1alpha1', 'Application').map((a) => {
      const s = (a.status ?? {}) as { sync?: { status?: string }; health?: { status?: string } };
      return `${a.metadata.name} ${s.sync?.status ?? '?'}/${s.health?.status ?? '?'}`;
    });
    const ks = c.objects.list('kustomize.toolkit.fluxcd.io/v1', 'Kustomization').map((k) => {
      const ready = (((k.status ?? {}) as { conditions?: Array<{ type: string; status: string }> }).conditions ?? []).find((x) => x.type === 'Ready');
      return `${k.metadata.name} Ready=${ready?.status ?? '?'}`;
    });
    console.log(`  ${name.padEnd(11)} ${c.url}  apps: ${apps.join(', ')}; kustomizations: ${ks.join(', ')}`);
  }
  console.log(`  workspace:  ${env.workspace}`);
  console.log(`  KUBECONFIG=${env.kubeconfigFiles.join(path.delimiter)}`);
  console.log(`Open ${url}`);
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
