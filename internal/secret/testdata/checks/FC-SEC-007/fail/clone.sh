git clone https://oauth2:glpat-O0Nb-MOifV4Ro110w4nW@gitlab.internal/shop/api.git
