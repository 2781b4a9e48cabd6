// One metric event as the runs hand it over: a catalog name, a value and exactly the tag keys the
// catalog gives that metric (type-checked), so no name or tag key is invented outside catalog.ts.
import { metric, type METRICS, type MetricName, type MetricType } from './catalog.ts';

type Def<N extends MetricName> = Extract<(typeof METRICS)[number], { name: N }>;
/** The tags a metric takes: its catalog keys, each with a (raw, unsanitised) value. */
export type TagsOf<N extends MetricName> = { [K in Def<N>['tags'][number]]: string };

export type MetricEvent = { [N in MetricName]: { name: N; value: number; tags: TagsOf<N> } }[MetricName];

export function event<N extends MetricName>(name: N, value: number, tags: TagsOf<N>): MetricEvent {
  return { name, value, tags } as MetricEvent;
}

export function typeOf(e: Pick<MetricEvent, 'name'>): MetricType {
  return metric(e.name).type;
}
