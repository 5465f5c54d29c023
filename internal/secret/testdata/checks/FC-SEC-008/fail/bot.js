const slack = new WebClient("xoxb-114793015679-2116517613509-ciNfwhJKlZVaLG7UICUIDRuI");
