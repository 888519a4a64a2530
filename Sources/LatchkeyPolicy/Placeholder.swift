// placeholder until the policy engine lands
