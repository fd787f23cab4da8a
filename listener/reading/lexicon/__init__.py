"""Word lists and tables the judges read. All written for this project; none derived from
the labelled datasets in ../shared (those are for measuring only)."""
