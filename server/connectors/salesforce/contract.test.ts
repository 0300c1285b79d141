import { runConnectorContract } from '../contract.ts';
import { salesforceHarness } from './harness.ts';

// The shared connector contract, against the sandbox Salesforce served on a loopback port.
runConnectorContract({ name: 'salesforce', make: (env) => salesforceHarness(env) });
