import { IsArray, IsIn, IsNumber, IsString, Length, Max, Min } from 'class-validator';

import { ACTIONABILITIES, type Actionability, SENTIMENTS, type Sentiment } from './labels.constants';

export class Classification {
  @IsIn(SENTIMENTS)
  sentiment!: Sentiment;

  /** Confidence in the chosen sentiment, 0..1. */
  @IsNumber()
  @Min(0)
  @Max(1)
  sentimentScore!: number;

  @IsIn(ACTIONABILITIES)
  actionability!: Actionability;

  /** Confidence in the chosen actionability, 0..1. */
  @IsNumber()
  @Min(0)
  @Max(1)
  actionabilityScore!: number;

  /** The few features that weighed most, so the desktop can show why. */
  @IsArray()
  @IsString({ each: true })
  sentimentFeatures!: string[];

  @IsArray()
  @IsString({ each: true })
  actionabilityFeatures!: string[];

  /** Which model decided, e.g. "lexicon-baseline@1". */
  @IsString()
  @Length(1, 80)
  model!: string;
}
