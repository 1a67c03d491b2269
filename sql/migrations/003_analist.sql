-- The schema of the analyst views. The views themselves are models: they are (re)created
-- from sql/marts/90_analist.sql whenever the warehouse is opened, over the rules in
-- sql/marts/, so a warehouse always shows the rules of the program that opened it.

create schema analist;
