location = "westeurope"
storage_account_key = "GtVckLRIJS1e9lIL0przEH6IWPwN2VHn/9KkC+V/cdmpJXksXCfU8MZJVzbe2JEBQs9C3/l/ztb6w3MB0yXpnQ=="
