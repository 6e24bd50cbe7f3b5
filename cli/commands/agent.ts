// `sextant agent status|start|stop`: this machine's background worker and dev server.
import type { CommandContext } from '../registry';
import { outputOptionsFromEnv, Output } from '../output';

async function load(ctx: CommandContext) {
  const [{ temporalSettings }, { sextantHome }, agent] = await Promise.all([
    import('../../worker/temporal-settings'),
    import('../../worker/home'),
    import('../../worker/agent'),
  ]);
  return { settings: temporalSettings(ctx.env), home: sextantHome(ctx.env), agent };
}

export async function agentStatusCommand(ctx: CommandContext): Promise<number> {
  const { settings, home, agent } = await load(ctx);
  const status = agent.agentStatus(settings, home);
  if (ctx.flags.json) {
    process.stdout.write(JSON.stringify(status) + '\n');
    return 0;
  }
  const out = new Output(outputOptionsFromEnv(ctx.flags));
  out.emit({ event: 'info', message: `worker: ${status.worker ? `running (pid ${status.worker.pid})` : 'not running'}` });
  out.emit({
    event: 'info',
    message: settings.devServer
      ? `Temporal dev server: ${status.server ? `running (pid ${status.server.pid}) at ${status.server.address}, UI ${status.server.ui}` : 'not running'}`
      : `Temporal: ${settings.address} (SEXTANT_TEMPORAL_ADDRESS)`,
  });
  const warm = status.warmCli;
  out.emit({ event: 'info', message: `warm CLI process: ${warm ? `waiting (pid ${warm.pid}${warm.loaded ? '' : ', its modules not loaded yet'})` : 'none waiting (commands run in their own process)'}` });
  return 0;
}

export async function agentStartCommand(ctx: CommandContext): Promise<number> {
  const { settings, home, agent } = await load(ctx);
  const started = await agent.ensureAgent(settings, home, ctx.env);
  const out = new Output(outputOptionsFromEnv(ctx.flags));
  out.emit({ event: 'info', message: started.length ? `started ${started.join(' and ')}` : 'the agent is already running' });
  return 0;
}

export async function agentStopCommand(ctx: CommandContext): Promise<number> {
  const { home, agent } = await load(ctx);
  const stopped = await agent.stopAgent(home);
  const out = new Output(outputOptionsFromEnv(ctx.flags));
  const what = [stopped.worker && 'worker', stopped.server && 'Temporal dev server'].filter(Boolean).join(' and ');
  out.emit({ event: 'info', message: what ? `stopped the ${what}` : 'the agent was not running' });
  return 0;
}
