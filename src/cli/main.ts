// The command line for the whole flow, against the local network (npm start) or any network URL.
//   npm run cli -- <group> <command> [arguments] [--network <url>] [--identity <name>] [--ids <canister_ids.json>]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { parseAmount } from './amounts';
import * as analytics from './analytics';
import * as commands from './commands';
import { connect } from './connect';
import * as earnings from './earnings';
import * as governance from './governance';
import { createIdentity, currentName, importIdentity, listIdentities, loadIdentity, useIdentity } from './identities';
import * as keys from './keys';
import { listModels } from './models';
import { changeOffer, listOffers, type OfferChange } from './offers';

const USAGE = `usage: npm run cli -- <group> <command> [arguments] [options]

identity new <name>                   create a key (the first one becomes the one in use)
identity import <name> <file.pem>     import a dfx PEM (secp256k1 or Ed25519)
identity use <name> | list | whoami
ledger balance [principal|canister]   the token balance (yours by default)
ledger transfer <to> <amount>         amounts in tokens, like 1.5
ledger approve <spender> <amount>
ledger faucet                         claim test tokens from the faucet (local and test networks; also: faucet claim)
provider register <name> <region> [--contact <text>]
provider claim <code>                 claim the node a worker printed this code for
provider stake <amount>               approve and bond stake in the identity canister
provider offer <model-id> <price>     offer your claimed nodes for a model, price per request [--capacity 4] [--region local]
provider unbond <amount>              start unbonding stake (released after identity's unbonding delay)
provider withdraw-stake               pay out the stake whose unbonding delay has passed
offers list [--model <id>] [--mine]   offers with their state, price and load
offers pause|resume|retire <id>       stop matching one of your offers, match it again, or retire it for good
payment owed                          what payment owes you (earnings as provider, creator or auditor)
payment withdraw [amount]             withdraw what payment owes you to your account (all of it by default)
models list                           the registry's models and their ids
model publish <file> --name <n> --version <v> [--task text_generation|embedding] [--royalty-bps 500] [--license <l>]
job submit <model-id> <prompt>        quote, approve payment, submit [--max-tokens 64] [--redundancy 1] [--priority] [--max-price 10]
job run <model-id> <prompt>           submit, wait and print the output (options as job submit, and --timeout)
job wait <id>                         follow a job until it is final, then show it [--timeout 120]
job show <id>                         state, chosen providers, cost split and output
job dispute <id>                      put down the dispute deposit; an audit re-runs the job and decides
keys create --name <n> --cap <tokens> API key for the OpenAI-compatible API; prints its secret once [--expires <days|date>] [--models 1,2] [--rpm 60]
keys list                             your API keys: usage of their spend cap, requests, last use, expiry, state
keys revoke <id>                      revoke an API key at once
analytics summary [hours]             jobs, success rate, latency, volume and fees over the last hours (24)
analytics leaderboard [hours]         providers ranked by earnings over the last hours (24)
governance bootstrap                  hand the suite over to governance (once, as the deployer: identity import deployer <deployer.pem>)
governance propose <summary>          approve the deposit and propose [--action text|pause-intake|resume-intake]
governance vote <id> yes|no           vote with the power you had when the proposal was made
governance list                       proposals with their state and tally

options: --network http://127.0.0.1:4943  --identity <name>  --ids .dfx/local/canister_ids.json`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    network: { type: 'string', default: 'http://127.0.0.1:4943' },
    identity: { type: 'string' },
    ids: { type: 'string', default: '.dfx/local/canister_ids.json' },
    contact: { type: 'string', default: '' },
    capacity: { type: 'string', default: '4' },
    region: { type: 'string', default: 'local' },
    name: { type: 'string' },
    version: { type: 'string' },
    task: { type: 'string', default: 'text_generation' },
    'royalty-bps': { type: 'string', default: '500' },
    license: { type: 'string', default: 'unknown' },
    'max-tokens': { type: 'string', default: '64' },
    redundancy: { type: 'string', default: '1' },
    priority: { type: 'boolean', default: false },
    'max-price': { type: 'string', default: '10' },
    timeout: { type: 'string', default: '120' },
    model: { type: 'string' },
    mine: { type: 'boolean', default: false },
    action: { type: 'string', default: 'text' },
    cap: { type: 'string' },
    expires: { type: 'string' },
    models: { type: 'string' },
    rpm: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

const [group, command, ...rest] = positionals;

function need(count: number): string[] {
  if (rest.length < count) throw new Error(`${group} ${command} needs ${count} argument(s)\n\n${USAGE}`);
  return rest;
}

async function run(): Promise<void> {
  if (values.help || group === undefined) return console.log(USAGE);
  if (group === 'identity') {
    if (command === 'new') return console.log(`created ${need(1)[0]}: ${createIdentity(rest[0]).getPrincipal().toText()}`);
    if (command === 'import')
      return console.log(`imported ${need(2)[0]}: ${importIdentity(rest[0], readFileSync(rest[1], 'utf8')).getPrincipal().toText()}`);
    if (command === 'use') {
      useIdentity(need(1)[0]);
      return console.log(`using ${rest[0]}`);
    }
    if (command === 'list')
      return console.log(
        listIdentities()
          .map((n) => `${n === currentName() ? '*' : ' '} ${n}`)
          .join('\n'),
      );
    if (command === 'whoami') return console.log(loadIdentity(values.identity).getPrincipal().toText());
  }
  const c = await connect(loadIdentity(values.identity), { network: values.network, ids: values.ids });
  const key = `${group} ${command}`;
  switch (key) {
    case 'ledger balance':
      return commands.balance(c, rest[0]);
    case 'ledger transfer':
      return commands.transfer(c, need(2)[0], rest[1]);
    case 'ledger approve':
      return commands.approve(c, need(2)[0], rest[1]);
    case 'ledger faucet':
    case 'faucet claim':
      return commands.claimFaucet(c);
    case 'provider register':
      return commands.registerProvider(c, need(2)[0], rest[1], values.contact);
    case 'provider claim':
      return commands.claimNode(c, need(1)[0]);
    case 'provider stake':
      return commands.stake(c, need(1)[0]);
    case 'provider offer':
      return commands.publishOffer(c, need(2)[0], rest[1], { capacity: Number(values.capacity), region: values.region });
    case 'model publish':
      if (!values.name || !values.version) throw new Error('model publish needs --name and --version');
      return commands.publishModel(c, need(1)[0], {
        name: values.name,
        version: values.version,
        task: values.task,
        royalty: Number(values['royalty-bps']),
        license: values.license,
      });
    case 'job submit':
    case 'job run': {
      const decimals = await c.ledger.icrc1_decimals();
      const options = {
        maxTokens: Number(values['max-tokens']),
        redundancy: Number(values.redundancy),
        priority: values.priority,
        maxPrice: parseAmount(values['max-price'], decimals),
      };
      if (command === 'run') return commands.runJob(c, need(2)[0], rest[1], { ...options, timeoutMs: Number(values.timeout) * 1000 });
      return commands.submitJob(c, commands.jobRequest(need(2)[0], rest[1], options));
    }
    case 'job wait':
      return commands.waitJob(c, need(1)[0], Number(values.timeout));
    case 'job show':
      return commands.showJob(c, need(1)[0]);
    case 'job dispute':
      return commands.disputeJob(c, need(1)[0]);
    case 'analytics summary':
      return analytics.summary(c, Number(rest[0] ?? 24));
    case 'analytics leaderboard':
      return analytics.leaderboard(c, Number(rest[0] ?? 24));
    case 'governance bootstrap':
      return commands.bootstrapGovernance(c);
    case 'governance propose':
      return governance.propose(c, need(1)[0], values.action);
    case 'governance vote':
      return governance.vote(c, need(2)[0], rest[1]);
    case 'governance list':
      return governance.listProposals(c);
    case 'provider unbond':
      return earnings.unbond(c, need(1)[0]);
    case 'provider withdraw-stake':
      return earnings.withdrawStake(c);
    case 'payment owed':
      return earnings.owed(c);
    case 'payment withdraw':
      return earnings.withdrawOwed(c, rest[0]);
    case 'offers list':
      return listOffers(c, { model: values.model, mine: values.mine });
    case 'offers pause':
    case 'offers resume':
    case 'offers retire':
      return changeOffer(c, command as OfferChange, need(1)[0]);
    case 'models list':
      return listModels(c);
    case 'keys create':
      return keys.createKey(c, { name: values.name, cap: values.cap, expires: values.expires, models: values.models, rpm: values.rpm });
    case 'keys list':
      return keys.listKeys(c);
    case 'keys revoke':
      return keys.revokeKey(c, need(1)[0]);
  }
  throw new Error(`unknown command: ${key}\n\n${USAGE}`);
}

run().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
