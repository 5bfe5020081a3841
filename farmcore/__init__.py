"""The neutral bottom of the dependency graph: the words every package shares.

`vocab` (post kinds, job/lease/account states, webhook events), `codes` (every error code with
its meaning and policy), `protocol` (the agent protocol's typed bodies), `client` (the one HTTP
client of the API), `farmfile` (farm.yaml). It imports nothing from controller, device_agent,
flows, media or emulator, so each of them may import it without reaching into another.
"""
