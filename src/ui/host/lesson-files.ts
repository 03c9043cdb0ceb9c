/**
 * The workspace a first visit opens with: the classic lesson's three manifests, byte for byte as
 * examples/walkthrough holds them (the same files the transcript test runs).
 */
import deploymentYml from '../../../examples/walkthrough/deployment.yml?raw';
import serviceYml from '../../../examples/walkthrough/service.yml?raw';
import testYml from '../../../examples/walkthrough/test.yml?raw';

export const LESSON_FILES: Readonly<Record<string, string>> = {
  'deployment.yml': deploymentYml,
  'test.yml': testYml,
  'service.yml': serviceYml,
};
