"""The running daemon: the scheduler's policy (which source is due), the source runner (poll,
back off, hand results to the pipeline) and the daemon that ties them to the alerts. It may
import alerts, the pipeline and every layer below them, never the CLI.
"""
