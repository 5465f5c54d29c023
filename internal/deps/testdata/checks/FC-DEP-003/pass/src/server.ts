import express from "express";
import map from "lodash/map";
import { Button } from "@shop/ui/button";
export { default as db } from 'pg';

const app = express();
app.listen(3000);
