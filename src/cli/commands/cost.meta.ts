// `panther cost`: what --help and routing need, cheap to load; ./cost.ts runs it.
import type { CommandInfo } from '../command.ts';
import { DEFAULT_STATE_DIR } from '../options.ts';

export const costCommandInfo: CommandInfo = {
  name: 'cost',
  summary: "this month's object-store bill so far, the month's estimate, a forecast and the budget thresholds",
  usage: 'panther cost [--host NAME] [--plan FILE] [--state-dir DIR] [--prices FILE] [--budget USD] [--policy report|thin] [--now ISO] [--json]',
  help: `Reads the host's cost ledger (written by backup, prune and check runs) and prices it.
  --host NAME       whose ledger (default: the plan's host, else the only host with a ledger)
  --plan FILE       budget (backup.monthlyBudgetUsd) and retention tiers (default $PANTHER_PLAN or
                    /etc/panther/plan.json; without one, a spec host's built-in profile)
  --state-dir DIR   where ledgers live (default $PANTHER_STATE_DIR or ${DEFAULT_STATE_DIR}): cost-<host>.json
  --prices FILE     JSON over the default B2 price table, e.g. { "storage": { "usdPerTBMonth": 7 } };
                    fields: storage{usdPerTBMonth,freeGB} egress{usdPerGB,freeGBPerDay}
                    classes{A|B|C:{usd,perCalls,freeCallsPerDay}} operationClass{op:A|B|C}
                    hiddenVersionDays allowanceShare (this host's share of the account's free allowances)
  --budget USD      monthly budget (overrides the plan's)
  --policy P        report (default): say when the forecast exceeds the budget;
                    thin: also propose a thinner retention (longest tier first, daily never under 7)
                    with its saving and the profile override to add
  --months N        months to forecast after this one (default 3)
  --now ISO         the instant to estimate at (default: now)

Thresholds: alert at 80 % and warning at 90 % of the budget (specification); over-budget at 100 %.
Storage is billed on the month's average, the first 10 GB free; downloads and Class B/C calls have
free allowances per UTC day. Exit 0 whatever the level; scripts read "budget.worst.level" from --json.`,
  options: {
    host: { type: 'string' },
    plan: { type: 'string' },
    'state-dir': { type: 'string' },
    prices: { type: 'string' },
    budget: { type: 'string' },
    policy: { type: 'string' },
    months: { type: 'string' },
    now: { type: 'string' },
  },
};
