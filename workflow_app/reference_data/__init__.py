"""DANE's reference data (the CSV files beside this module) and the rules to show and order its names."""
