"""The legal route and its acts: applying an act, its evidence documents and corrections, the PPI, the case file, what each person may do now, and calendars for hypothetical dates."""
