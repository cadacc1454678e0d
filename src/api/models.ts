/**
 * The model kinds and their settings (models/registry.ts), as programs and the command line
 * see them: names, defaults, the one check of a caller's settings, each kind's description.
 */
export {
  KINDS,
  MODEL_NAMES,
  DEFAULT_MODEL,
  DEFAULT_METHODS,
  defaultsOf,
  modelSettings,
  usesVectors,
  type ModelName,
  type ModelOptions,
  type ModelSettings,
  type SettingsOf,
  type SvmSettings,
  type NbsvmSettings,
  type LogregSettings,
  type MlpSettings,
  type HybridSettings,
  type CnnSettings,
  type DanSettings,
  type RbfSvmSettings,
  type HikSvmSettings,
  type Chi2SvmSettings,
  type BowMlpSettings,
} from '../models/registry.js';
export type { ModelKind, Family, TrainingRecord } from '../models/kind.js';
export type { Flag, FlagValue, Setting } from '../models/setting.js';
export {
  METRICS,
  defaultMetric,
  metricLabel,
  type MetricName,
  type ClassWeight,
} from '../models/metric.js';
export type { Threshold } from '../models/threshold.js';
