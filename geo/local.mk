# geo
