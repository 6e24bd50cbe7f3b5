// `npm run demo`: deploys the example app to the lab's hosts and says where to look.
import { runCli } from './cli';
import { makeProject } from './project';
import { testNamespace } from './temporal';

async function main(): Promise<void> {
  const hosts = Number(process.env.SEXTANT_DEMO_HOSTS ?? 2);
  const project = makeProject({ service: 'demo', hosts });
  console.log(`Example app checked out in ${project.dir}; deploying it with \`sextant deploy\`...\n`);
  const deploy = await runCli(['deploy'], { cwd: project.dir, env: { ...project.env, NO_COLOR: process.env.NO_COLOR } });
  process.stdout.write(deploy.stdout);
  process.stderr.write(deploy.stderr);
  if (deploy.code !== 0) process.exit(deploy.code ?? 1);
  console.log('\nThe app answers on every host through kamal-proxy:');
  for (const h of project.hosts) console.log(`  http://${h}/version`);
  console.log(`\nEvery step of the deploy is in the Temporal UI: ${project.lab.temporal.ui}/namespaces/${testNamespace()}/workflows`);
  console.log(`Try it yourself:  cd ${project.dir} && SEXTANT_HOME=${project.home} SEXTANT_TEMPORAL_ADDRESS=${project.lab.temporal.address} SEXTANT_TEMPORAL_UI=${project.lab.temporal.ui} ${process.cwd()}/bin/sextant deploy status`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
