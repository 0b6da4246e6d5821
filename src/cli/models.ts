// The model registry's models, as the CLI lists them: the ids jobs and offers name.
import { ok } from '../sdk/errors';
import type { Connection } from './connect';

export async function listModels(c: Connection): Promise<void> {
  const page = ok('list', await c.registry.list({ offset: 0, limit: 100 }));
  if (page.items.length === 0) return console.log('no models');
  for (const m of page.items) {
    const access = 'public' in m.access ? 'public' : 'allow list';
    console.log(
      `model ${m.id}: ${m.name} ${m.version}, ${Object.keys(m.task)[0]}, ${Object.keys(m.format)[0]}, royalty ${m.royalty_bps / 100}%, ${access}, creator ${m.creator.toText()}`,
    );
  }
  if (page.total > BigInt(page.items.length)) console.log(`(the first ${page.items.length} of ${page.total})`);
}
