"""Word lists and tables the judges and sentiment read. All written for this project; none
derived from the labelled datasets in ../shared (those are for measuring only). Data only:
it imports nothing of listener.
"""
