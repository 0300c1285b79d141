import { runConnectorContract } from '../contract.ts';
import { hubspotHarness } from './harness.ts';

// The shared connector contract, against the sandbox HubSpot served on a loopback port.
runConnectorContract({ name: 'hubspot', make: hubspotHarness });
