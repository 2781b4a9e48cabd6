// What the object store costs: the price model, the ledger of what runs used, the month's estimate
// and forecast against the budget, the `thin` retention proposal, and the fleet simulation that
// compares our repository with btrbk's raw-file way.
//
// What it does not: talk to the store (repo/backend/metered.ts counts calls and bytes; this module
// only reads what it recorded), change retention (thin.ts proposes a profile override), read a clock
// (`now` is always a parameter). The only I/O is ledger.ts (one JSON file per host).
//
// Where to start: prices.ts (the price table and per-day allowances), usage.ts (the ledger's shape),
// estimate.ts (`panther cost`), chain-model.ts (the storage model, documented at its top) and
// simulate.ts (`panther cost simulate`).

export { B2_PRICES, parsePrices, callsByClass, dayCharges, storageUsd, TRANSACTION_CLASSES } from './prices.ts';
export type { PriceTable, TransactionClass, CallsByClass, DayCharges } from './prices.ts';
export { BUDGET_THRESHOLDS, checkBudget } from './budget.ts';
export type { BudgetLevel, BudgetCheck } from './budget.ts';
export { addRun, emptyLedger, LEDGER_LIMITS } from './usage.ts';
export type { Ledger, RunRecord, RunInput } from './usage.ts';
export { ledgerPath, readLedger, recordRun, writeLedger } from './ledger.ts';
export { estimateCost, COST_POLICIES, ESTIMATE_DEFAULTS } from './estimate.ts';
export type { CostEstimate, CostPolicy, EstimateInput } from './estimate.ts';
export { thinRetention, THIN_FLOORS, THIN_ORDER, THIN_TARGET_FRACTION } from './thin.ts';
export type { ThinProposal } from './thin.ts';
export { defaultFleet, parseFleet, ASSUMED_DATA, ASSUMED_RATIOS } from './fleet.ts';
export type { Fleet, FleetHost } from './fleet.ts';
export { simulateFleet, APPROACHES } from './simulate.ts';
export type { FleetSimulation, Approach } from './simulate.ts';
