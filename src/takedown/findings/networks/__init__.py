"""Coordination networks: account-account networks of shared behaviour, fused and exported.

traces.py turns tweets into events (an account posting an item at a time), pairs.py joins
events into weighted pairs within a window, fusion.py scores them against a time-shuffle null
and finds communities, summary.py states the findings, export.py writes Gephi's files.
"""
